using System.Collections.Concurrent;
using EvSwap.Bridge;
using EvSwap.Testing;

namespace EvSwap.UnitTests;

public class StationLanesTests
{
    private const int LaneCount = 4;

    /// <summary>
    /// Work whose chosen station fails until the test lets it recover: its first attempt fails, and its retries wait
    /// for <see cref="Recover"/>. Records what was tried, finished and released.
    /// </summary>
    private sealed class FlakyWork(string failing) : ILaneWork<(string Station, int Seq)>
    {
        private readonly TaskCompletionSource<bool> _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<(string Station, int Seq)> FirstTries { get; } = new();
        public ConcurrentQueue<(string Station, int Seq)> Finished { get; } = new();
        public ConcurrentQueue<(string Station, int Seq)> Released { get; } = new();

        public void Recover() => _recovered.TrySetResult(true);

        public void GiveUp() => _recovered.TrySetResult(false);

        public Task<bool> TryAsync((string Station, int Seq) item)
        {
            FirstTries.Enqueue(item);
            if (item.Station == failing && !_recovered.Task.IsCompleted)
            {
                return Task.FromResult(false);
            }

            Finished.Enqueue(item);
            return Task.FromResult(true);
        }

        public async Task<bool> RetryAsync((string Station, int Seq) item)
        {
            if (!await _recovered.Task)
            {
                return false;
            }

            Finished.Enqueue(item);
            return true;
        }

        public void Release((string Station, int Seq) item) => Released.Enqueue(item);

        public List<int> FinishedOf(string station) => [.. Finished.Where(i => i.Station == station).Select(i => i.Seq)];
    }

    /// <summary>Station ids that hash to the same lane as <paramref name="station"/>.</summary>
    private static List<string> LaneMates<T>(StationLanes<T> lanes, string station, int count) =>
        [.. Enumerable.Range(0, 1000).Select(i => $"mate-{i}").Where(id => lanes.LaneOf(id) == lanes.LaneOf(station)).Take(count)];

    [Fact]
    public async Task A_failing_station_is_parked_so_other_stations_in_its_lane_are_still_handled_in_order()
    {
        var work = new FlakyWork("bad");
        var lanes = new StationLanes<(string, int)>(LaneCount, 100, work);
        var mates = LaneMates(lanes, "bad", 3);
        for (var seq = 1; seq <= 5; seq++)
        {
            Assert.True(lanes.TryWrite("bad", ("bad", seq)));
            foreach (var mate in mates)
            {
                Assert.True(lanes.TryWrite(mate, (mate, seq)));
            }
        }

        // The failing station has not recovered, yet everything else in its lane gets through.
        await Eventually.GetAsync(() => Task.FromResult(work.Finished.Count), n => n == mates.Count * 5);
        Assert.All(mates, mate => Assert.Equal([1, 2, 3, 4, 5], work.FinishedOf(mate)));
        Assert.Empty(work.FinishedOf("bad"));
        Assert.Equal(1, lanes.Parked);

        // Nothing of a parked station is tried before its earlier items: only its first item had a first attempt.
        Assert.Equal([1], work.FirstTries.Where(i => i.Item1 == "bad").Select(i => i.Item2));

        work.Recover();
        await lanes.CompleteAsync();
        Assert.Equal([1, 2, 3, 4, 5], work.FinishedOf("bad"));
        Assert.Equal(work.Finished.Order(), work.Released.Order());
        Assert.Equal((0, 0), (lanes.Pending, lanes.Parked));
    }

    [Fact]
    public async Task A_recovered_station_rejoins_its_lane_and_its_next_item_is_tried_there_again()
    {
        var work = new FlakyWork("bad");
        var lanes = new StationLanes<(string, int)>(LaneCount, 100, work);
        Assert.True(lanes.TryWrite("bad", ("bad", 1)));
        await Eventually.GetAsync(() => Task.FromResult(lanes.Parked), n => n == 1);

        work.Recover();
        await Eventually.GetAsync(() => Task.FromResult(lanes.Parked), n => n == 0);
        Assert.True(lanes.TryWrite("bad", ("bad", 2)));
        await lanes.CompleteAsync();

        Assert.Equal([1, 2], work.FinishedOf("bad"));
        Assert.Equal([1, 2], work.FirstTries.Select(i => i.Item2));
    }

    [Fact]
    public async Task Parked_items_count_against_their_lane_so_a_long_outage_waits_upstream_instead_of_in_memory()
    {
        var work = new FlakyWork("bad");
        var lanes = new StationLanes<(string, int)>(LaneCount, 2, work);
        var mate = LaneMates(lanes, "bad", 1)[0];
        var elsewhere = Enumerable.Range(0, 1000).Select(i => $"other-{i}").First(id => lanes.LaneOf(id) != lanes.LaneOf("bad"));

        Assert.True(lanes.TryWrite("bad", ("bad", 1)));
        Assert.True(lanes.TryWrite("bad", ("bad", 2)));
        Assert.False(lanes.TryWrite(mate, (mate, 1)));
        Assert.True(lanes.TryWrite(elsewhere, (elsewhere, 1)));
        // The parked station keeps its two slots; the other lane's item is done and gave its slot back.
        Assert.Equal(2, await Eventually.GetAsync(() => Task.FromResult(lanes.Pending), n => n == 2));

        work.Recover();
        await Eventually.GetAsync(() => Task.FromResult(lanes.Pending), n => n == 0);
        Assert.True(lanes.TryWrite(mate, (mate, 1)));
        await lanes.CompleteAsync();
        Assert.Equal([1, 2], work.FinishedOf("bad"));
        Assert.Equal([1], work.FinishedOf(mate));
    }

    [Fact]
    public async Task At_shutdown_a_parked_station_given_up_releases_every_item_it_holds_unfinished()
    {
        var work = new FlakyWork("bad");
        var lanes = new StationLanes<(string, int)>(LaneCount, 100, work);
        for (var seq = 1; seq <= 3; seq++)
        {
            Assert.True(lanes.TryWrite("bad", ("bad", seq)));
        }

        await Eventually.GetAsync(() => Task.FromResult(lanes.Parked), n => n == 1);
        var completed = lanes.CompleteAsync();
        Assert.False(completed.IsCompleted);

        work.GiveUp();
        await completed;
        Assert.Empty(work.Finished);
        Assert.Equal([1, 2, 3], work.Released.Select(i => i.Seq));
        Assert.Equal(0, lanes.Pending);
    }
}
