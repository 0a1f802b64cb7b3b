using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>One shard of the battery index, keyed by <see cref="BatteryIds.ShardOf"/>: lists batteries without activating them.</summary>
public interface IBatteryIndexShardGrain : IGrainWithIntegerKey
{
    /// <summary>Awaited: once a battery grain has stored an event, the API can find the battery.</summary>
    Task Upsert(BatterySummary summary);

    [AlwaysInterleave]
    Task<bool> Contains(string batteryId);

    [AlwaysInterleave]
    Task<BatteryPage> List(BatteryQuery query);
}
