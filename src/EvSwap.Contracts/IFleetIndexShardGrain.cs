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

    [AlwaysInterleave]
    Task<FleetPage> List(FleetQuery query);

    [AlwaysInterleave]
    Task<IReadOnlyList<FleetAlert>> GetAlerts();

    /// <summary>Subscribes (or renews) a watcher and returns every summary the shard holds, so nothing falls in between.</summary>
    Task<IReadOnlyList<StationSummary>> Watch(IFleetWatcher watcher);

    Task Unwatch(IFleetWatcher watcher);
}
