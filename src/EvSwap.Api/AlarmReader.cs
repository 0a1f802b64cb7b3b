using EvSwap.Contracts;
using Microsoft.Extensions.Options;

namespace EvSwap.Api;

/// <summary>Fleet-wide alarm reads: one shard for one station, else every shard in parallel, merged in alarm order.</summary>
public sealed class AlarmReader(IGrainFactory grains, IOptions<FleetOptions> options)
{
    public async Task<AlarmPage> ListAsync(AlarmQuery query)
    {
        IEnumerable<int> shards = query.StationId is { } station ? [FleetIndex.ShardOf(station, options.Value.Shards)] : Enumerable.Range(0, options.Value.Shards);
        var pages = await Task.WhenAll(shards.Select(shard => grains.GetGrain<IAlarmShardGrain>(shard).List(query)));

        // Each shard returns its first `limit` after the cursor, so the first `limit` of the merge are the fleet's.
        var merged = pages.SelectMany(p => p.Items).ToList();
        merged.Sort(AlarmCursor.Compare);
        return new AlarmPage(merged.Take(query.Limit).ToList(), merged.Count > query.Limit || pages.Any(p => p.HasMore));
    }

    /// <summary>The shard that holds an alarm, from the station in its id; null when the id is not an alarm id.</summary>
    public IAlarmShardGrain? ShardOf(string alarmId) =>
        AlarmIds.StationOf(alarmId) is { } station ? grains.GetGrain<IAlarmShardGrain>(FleetIndex.ShardOf(station, options.Value.Shards)) : null;

    public async Task<IReadOnlyList<AlarmDelivery>> DeliveriesAsync()
    {
        var perShard = await Task.WhenAll(Enumerable.Range(0, options.Value.Shards).Select(shard => grains.GetGrain<IAlarmShardGrain>(shard).GetDeliveries()));
        return [.. perShard.SelectMany(d => d).OrderBy(d => d.CreatedAt)];
    }
}
