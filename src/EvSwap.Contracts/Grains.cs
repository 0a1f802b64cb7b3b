using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>A validated message on its way from the bridge to its station grain.</summary>
/// <param name="Payload">The payload exactly as received; the archive stores these bytes, not a re-serialisation.</param>
[GenerateSerializer, Immutable]
public sealed record TelemetryEnvelope(
    [property: Id(0)] TelemetryMessage Message,
    [property: Id(1)] byte[] Payload,
    [property: Id(2)] DateTimeOffset ReceivedAt);

/// <summary>What a station did with a message; every outcome but <see cref="OutsideWindow"/> means it may be acknowledged.</summary>
public enum IngestOutcome
{
    /// <summary>New and the newest: applied, buffered for the archive, shown in the live view.</summary>
    Accepted,

    /// <summary>New but behind the newest: its events counted and buffered for the archive; the live view unchanged.</summary>
    Late,

    /// <summary>Seen before (archived, or waiting in the buffer): nothing applied or archived again.</summary>
    Duplicate,

    /// <summary>Counted before, but lost from memory before it was archived (a crash): archived now, counted no second time.</summary>
    Rearchived,

    /// <summary>
    /// Too far behind the station's newest to tell from a duplicate (Station:DeliveryWindow): nothing applied. The caller
    /// dead-letters it, so it is kept, not dropped.
    /// </summary>
    OutsideWindow,
}

/// <summary>One grain per station, keyed by station id. Owns the station's live state and its raw-message buffer.</summary>
public interface IStationGrain : IGrainWithStringKey
{
    Task<IngestOutcome> Ingest(TelemetryEnvelope envelope);

    /// <summary>The current state, or null when the station has never reported.</summary>
    [AlwaysInterleave]
    Task<StationView?> GetView();

    /// <summary>Messages accepted but not yet written to the archive, in (boot, seq) order.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<ArchivedMessage>> GetUnflushedTelemetry();

    /// <summary>Writes the raw buffer to the archive and the state to storage now.</summary>
    Task Flush();
}

/// <summary>
/// One shard of the fleet index. Station grains report a small summary to the shard their id hashes to, so
/// listing the fleet reads a few shard grains instead of activating every station.
/// </summary>
public interface IFleetIndexShardGrain : IGrainWithIntegerKey
{
    /// <summary>One-way: a station never waits on the index, and a lost update is repaired by the next refresh.</summary>
    [OneWay]
    Task Upsert(StationSummary summary);

    [AlwaysInterleave]
    Task<FleetPage> List(FleetQuery query);

    [AlwaysInterleave]
    Task<IReadOnlyList<FleetAlert>> GetAlerts();
}
