using EvSwap.Contracts;
using Microsoft.Extensions.Options;

namespace EvSwap.Api;

/// <summary>Fleet-wide reads: asks every index shard in parallel and merges their sorted pages in the query's order.</summary>
public sealed class FleetReader(IGrainFactory grains, IOptions<FleetOptions> options)
{
    public async Task<(IReadOnlyList<StationListItem> Items, bool HasMore)> ListAsync(FleetQuery query)
    {
        var limit = query.Limit;
        var pages = await Task.WhenAll(Enumerable.Range(0, options.Value.Shards)
            .Select(shard => grains.GetGrain<IFleetIndexShardGrain>(shard).List(query)));

        // Each shard returns its first `limit` matches after the cursor in the query's order; the first `limit` of their
        // merge (in the same order) are the first `limit` of the fleet, and anything left over (or any shard with more)
        // means another page.
        var merged = pages.SelectMany(p => p.Items).ToList();
        merged.Sort((a, b) => FleetOrder.Compare(query, a, b));
        var hasMore = merged.Count > limit || pages.Any(p => p.HasMore);
        return (merged.Take(limit).ToList(), hasMore);
    }

    /// <summary>
    /// Whether the station has ever reported, from its index shard (in memory): the API's answer for an unknown id, so a
    /// mistyped or probing id never activates a station grain and reads storage and the archive.
    /// </summary>
    public Task<bool> KnowsAsync(string stationId) =>
        grains.GetGrain<IFleetIndexShardGrain>(FleetIndex.ShardOf(stationId, options.Value.Shards)).Contains(stationId);

    /// <summary>Active alerts after the cursor, in <see cref="AlertCursor"/> order: each shard returns its first page, merged.</summary>
    public async Task<(IReadOnlyList<FleetAlert> Items, bool HasMore)> AlertsAsync(AlertCursor? after, int limit)
    {
        var query = new FleetAlertQuery(after, limit);
        var pages = await Task.WhenAll(Enumerable.Range(0, options.Value.Shards)
            .Select(shard => grains.GetGrain<IFleetIndexShardGrain>(shard).ListAlerts(query)));
        var merged = pages.SelectMany(p => p.Items).OrderBy(AlertCursor.Of).ToList();
        return (merged.Take(limit).ToList(), merged.Count > limit || pages.Any(p => p.HasMore));
    }
}
