using Orleans.Concurrency;

namespace EvSwap.Contracts;

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

    /// <summary>Subscribes (or renews) a watcher of the live view; it expires unless renewed within a few minutes.</summary>
    [AlwaysInterleave]
    Task Watch(IStationWatcher watcher);

    [AlwaysInterleave]
    Task Unwatch(IStationWatcher watcher);

    /// <summary>Writes the raw buffer to the archive and the state to storage now.</summary>
    Task Flush();
}
