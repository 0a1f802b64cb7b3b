namespace EvSwap.Contracts;

/// <summary>A raw message as kept in the archive: the payload as received plus when the server received it.</summary>
[GenerateSerializer, Immutable]
public sealed record ArchivedMessage(
    [property: Id(0)] long Boot,
    [property: Id(1)] long Seq,
    [property: Id(2)] DateTimeOffset Ts,
    [property: Id(3)] DateTimeOffset ReceivedAt,
    [property: Id(4)] string Payload);

public static class AlertKinds
{
    public const string OverTemperature = "over-temperature";
    public const string SlotFault = "slot-fault";
    public const string Offline = "offline";
}

[GenerateSerializer, Immutable]
public sealed record Alert(
    [property: Id(0)] string Kind,
    [property: Id(1)] int? Slot,
    [property: Id(2)] string? Code,
    [property: Id(3)] DateTimeOffset Since,
    [property: Id(4)] string Message);

[GenerateSerializer, Immutable]
public sealed record FleetAlert(
    [property: Id(0)] string StationId,
    [property: Id(1)] Alert Alert);

public enum StationStatus
{
    Online,
    Offline,
    Alerting,
}

[GenerateSerializer, Immutable]
public sealed record StationCounters(
    [property: Id(0)] long Messages,
    [property: Id(1)] long Duplicates,
    [property: Id(2)] long SwapsToday,
    [property: Id(3)] long SwapsTotal,
    [property: Id(4)] long Faults,
    [property: Id(5)] long Late);

/// <summary>Everything <c>GET /stations/{id}</c> shows.</summary>
[GenerateSerializer, Immutable]
public sealed record StationView(
    [property: Id(0)] string StationId,
    [property: Id(1)] bool Online,
    [property: Id(2)] DateTimeOffset LastSeen,
    [property: Id(3)] DateTimeOffset LastStationTs,
    [property: Id(4)] long Boot,
    [property: Id(5)] long Seq,
    [property: Id(6)] double? AmbientC,
    [property: Id(7)] double? GridPowerKw,
    [property: Id(8)] IReadOnlyList<SlotReading> Slots,
    [property: Id(9)] IReadOnlyDictionary<string, int> SlotCounts,
    [property: Id(10)] int AvailableCharged,
    [property: Id(11)] StationCounters Counters,
    [property: Id(12)] IReadOnlyList<Alert> Alerts);

/// <summary>What a station grain tells its fleet index shard; online and offline are derived when read.</summary>
[GenerateSerializer, Immutable]
public sealed record StationSummary(
    [property: Id(0)] string StationId,
    [property: Id(1)] DateTimeOffset LastSeen,
    [property: Id(2)] IReadOnlyDictionary<string, int> SlotCounts,
    [property: Id(3)] int AvailableCharged,
    [property: Id(4)] IReadOnlyList<Alert> Alerts,
    [property: Id(5)] long Boot,
    [property: Id(6)] long Seq);

/// <summary>One row of <c>GET /stations</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record StationListItem(
    [property: Id(0)] string StationId,
    [property: Id(1)] DateTimeOffset LastSeen,
    [property: Id(2)] bool Online,
    [property: Id(3)] IReadOnlyDictionary<string, int> SlotCounts,
    [property: Id(4)] int AvailableCharged,
    [property: Id(5)] int ActiveAlerts);

[GenerateSerializer, Immutable]
public sealed record FleetQuery(
    [property: Id(0)] StationStatus? Status,
    [property: Id(1)] string? After,
    [property: Id(2)] int Limit);

/// <summary>Up to <see cref="FleetQuery.Limit"/> stations after the cursor, sorted by id.</summary>
[GenerateSerializer, Immutable]
public sealed record FleetPage(
    [property: Id(0)] IReadOnlyList<StationListItem> Items,
    [property: Id(1)] bool HasMore);

public static class FleetIndex
{
    /// <summary>
    /// Stable across processes and versions (unlike string.GetHashCode), so a station always reports to the same shard.
    /// </summary>
    public static int ShardOf(string stationId, int shardCount)
    {
        // FNV-1a over UTF-16 code units: stable, cheap, and good enough spread for short ids.
        var hash = 2166136261u;
        foreach (var c in stationId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)shardCount);
    }
}
