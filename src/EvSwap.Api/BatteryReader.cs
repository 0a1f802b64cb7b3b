using EvSwap.Contracts;
using Microsoft.Extensions.Options;

namespace EvSwap.Api;

/// <summary>Fleet-wide battery reads: asks every battery index shard in parallel and merges their sorted pages.</summary>
public sealed class BatteryReader(IGrainFactory grains, IOptions<BatteryIndexOptions> options)
{
    public async Task<(IReadOnlyList<BatterySummary> Items, bool HasMore)> ListAsync(BatteryQuery query)
    {
        var pages = await Task.WhenAll(Enumerable.Range(0, options.Value.IndexShards)
            .Select(shard => grains.GetGrain<IBatteryIndexShardGrain>(shard).List(query)));

        // Each shard returns its first `limit` matches after the cursor; the first `limit` of their merge are the fleet's.
        var merged = pages.SelectMany(p => p.Items).OrderBy(i => i.BatteryId, StringComparer.Ordinal).ToList();
        return (merged.Take(query.Limit).ToList(), merged.Count > query.Limit || pages.Any(p => p.HasMore));
    }

    /// <summary>Whether any station ever reported the battery, from its index shard: an unknown id activates no battery grain.</summary>
    public Task<bool> KnowsAsync(string batteryId) =>
        grains.GetGrain<IBatteryIndexShardGrain>(BatteryIds.ShardOf(batteryId, options.Value.IndexShards)).Contains(batteryId);
}
