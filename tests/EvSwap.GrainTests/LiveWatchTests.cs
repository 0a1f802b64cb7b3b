using System.Collections.Concurrent;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.GrainTests;

/// <summary>
/// What the console's live pages rely on, across two silos and through a client: fleet index shards push the summaries
/// that changed to their watchers, and a station grain pushes its view after each message it applied.
/// </summary>
[Collection(ClusterCollection.Name)]
public class LiveWatchTests(ClusterFixture fixture)
{
    private sealed class FleetWatcher : IFleetWatcher
    {
        public ConcurrentDictionary<string, StationSummary> Seen { get; } = new();

        public Task SummariesChanged(int shard, IReadOnlyList<StationSummary> summaries)
        {
            foreach (var s in summaries)
            {
                Seen[s.StationId] = s;
            }

            return Task.CompletedTask;
        }
    }

    private sealed class StationWatcher : IStationWatcher
    {
        public ConcurrentQueue<StationView> Views { get; } = new();

        public Task StationChanged(StationView view)
        {
            Views.Enqueue(view);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Fleet_index_shards_push_new_stations_and_swaps_to_a_watcher()
    {
        var watcher = new FleetWatcher();
        var reference = fixture.Cluster.Client.CreateObjectReference<IFleetWatcher>(watcher);
        for (var shard = 0; shard < 4; shard++)
        {
            await fixture.Grains.GetGrain<IFleetIndexShardGrain>(shard).Watch(reference);
        }

        var ids = Enumerable.Range(0, 12).Select(i => $"live-fleet-{i}").ToList();
        foreach (var id in ids)
        {
            await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(ClusterFixture.Envelope(id, 1));
        }

        // A swap refreshes the station's index entry at once, not at the next refresh interval.
        await fixture.Grains.GetGrain<IStationGrain>(ids[0]).Ingest(ClusterFixture.Envelope(ids[0], 2, events: [new StationEvent { Type = EventTypes.Swap, At = DateTimeOffset.UtcNow, SlotIn = 2, SlotOut = 1 }]));

        await Eventually.GetAsync(() => Task.FromResult(watcher.Seen.Count(s => ids.Contains(s.Key))), n => n == ids.Count);
        var swapped = await Eventually.GetAsync(() => Task.FromResult(watcher.Seen[ids[0]]), s => s.SwapsToday == 1);
        Assert.Equal((2L, 1L), (swapped.Seq, swapped.SwapsToday));
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), swapped.SwapsDay);
        fixture.Cluster.Client.DeleteObjectReference<IFleetWatcher>(reference);
    }

    [Fact]
    public async Task A_watched_station_pushes_its_view_after_each_applied_message_but_not_for_a_duplicate()
    {
        const string id = "live-station";
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        await grain.Ingest(ClusterFixture.Envelope(id, 1));
        var watcher = new StationWatcher();
        var reference = fixture.Cluster.Client.CreateObjectReference<IStationWatcher>(watcher);
        await grain.Watch(reference);

        await grain.Ingest(ClusterFixture.Envelope(id, 2));
        await grain.Ingest(ClusterFixture.Envelope(id, 2));
        await grain.Ingest(ClusterFixture.Envelope(id, 3));

        await Eventually.GetAsync(() => Task.FromResult(watcher.Views.Count), n => n >= 2);
        Assert.Equal([2L, 3L], watcher.Views.Select(v => v.Seq));
        Assert.Equal(3, watcher.Views.Last().Counters.Messages);
        await grain.Unwatch(reference);
        fixture.Cluster.Client.DeleteObjectReference<IStationWatcher>(reference);
    }
}
