using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>
/// One shard of the fleet index. Station grains report a small summary to the shard their id hashes to, so
/// listing the fleet reads a few shard grains instead of activating every station.
/// </summary>
public interface IFleetIndexShardGrain : IGrainWithIntegerKey
{
    /// <summary>One-way: a station never waits on the index, and a lost update is repaired by the next refresh.</summary>
    [OneWay]
    Task Upsert(StationSummary summary);

    /// <summary>
    /// Awaited, for a station's first report ever: once the station's first message is acknowledged the index knows it,
    /// so the API can answer "unknown station" from the index without activating a grain.
    /// </summary>
    Task Register(StationSummary summary);

    /// <summary>Whether the station has reported (to this shard); a lookup in memory, no storage read.</summary>
    [AlwaysInterleave]
    Task<bool> Contains(string stationId);

    [AlwaysInterleave]
    Task<FleetPage> List(FleetQuery query);

    [AlwaysInterleave]
    Task<IReadOnlyList<FleetAlert>> GetAlerts();

    /// <summary>One page of this shard's active alerts, so a fleet-wide alert page never copies every alert.</summary>
    [AlwaysInterleave]
    Task<FleetAlertPage> ListAlerts(FleetAlertQuery query);

    /// <summary>Subscribes (or renews) a watcher and returns every summary the shard holds, so nothing falls in between.</summary>
    Task<IReadOnlyList<StationSummary>> Watch(IFleetWatcher watcher);

    Task Unwatch(IFleetWatcher watcher);
}
