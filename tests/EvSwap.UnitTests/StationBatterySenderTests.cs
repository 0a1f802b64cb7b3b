using System.Collections.Concurrent;
using System.Reflection;
using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EvSwap.UnitTests;

/// <summary>How a station hands battery events to battery grains: a few calls at a time, the rest as calls succeed.</summary>
public class StationBatterySenderTests
{
    private readonly StationState _state = new();
    private readonly FakeBatteries _batteries = new();
    private readonly FakeIndex _index = new();
    private readonly SemaphoreSlim _settled = new(0);
    private readonly StationBatterySender _sender;

    public StationBatterySenderTests()
        : this(maxInFlight: 2, budget: new BatteryCallBudget(perSecond: 0, Metrics(), autoReplenish: false))
    {
    }

    /// <param name="dockInIndex">Off for the tests of battery grain calls, whose dockings would otherwise go to the index.</param>
    private StationBatterySenderTests(int maxInFlight, BatteryCallBudget budget, bool dockInIndex = false)
    {
        var grains = DispatchProxy.Create<IGrainFactory, FakeGrainFactory>();
        ((FakeGrainFactory)(object)grains).Batteries = _batteries;
        ((FakeGrainFactory)(object)grains).Index = _index;
        var options = new BatteryOptions { MaxCallsInFlightPerStation = maxInFlight, DockInIndex = dockInIndex };
        var desk = new BatteryDockingDesk(grains, Microsoft.Extensions.Options.Options.Create(new BatteryIndexOptions { IndexShards = IndexShards }));
        _sender = new StationBatterySender("st-1", _state, grains, options, desk, budget, NullLogger.Instance, () =>
        {
            lock (_state)
            {
                _sender!.Sync();
            }

            _settled.Release();
        });
    }

    private const int IndexShards = 4;

    private static BatteryMetrics Metrics() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    private static BatteryEvent Docked(int slot) =>
        new($"b-{slot}", "st-1", 1, 1, BatteryEventKinds.SlotIndexBase + slot, BatteryEventKinds.Docked, Samples.Now, slot);

    [Fact]
    public async Task A_first_snapshot_docking_sixteen_batteries_calls_two_battery_grains_at_a_time_and_the_rest_as_each_call_succeeds()
    {
        _state.PendingBatteryEvents.AddRange(Enumerable.Range(1, 16).Select(Docked));
        lock (_state)
        {
            _sender.Sync();
        }

        Assert.Equal(2, _batteries.Calls.Count);

        for (var done = 1; done <= 16; done++)
        {
            _batteries.Calls[done - 1].Result.SetResult();
            Assert.True(await _settled.WaitAsync(TimeSpan.FromSeconds(10)));
            lock (_state)
            {
                Assert.Equal(16 - done, _state.PendingBatteryEvents.Count);
                Assert.Equal(Math.Min(16, done + 2), _batteries.Calls.Count);
            }
        }

        Assert.Equal(Enumerable.Range(1, 16).Select(i => $"b-{i}").Order(), _batteries.Calls.Select(c => c.BatteryId).Order());
    }

    [Fact]
    public async Task Calls_past_the_silos_budget_per_second_wait_for_it_to_refill_and_keep_their_events_pending()
    {
        // Five calls a second: a bucket of five, refilled by one every tenth of a second.
        var budget = new BatteryCallBudget(perSecond: 5, Metrics(), autoReplenish: false);
        var paced = new StationBatterySenderTests(maxInFlight: 16, budget);
        paced._state.PendingBatteryEvents.AddRange(Enumerable.Range(1, 16).Select(Docked));

        lock (paced._state)
        {
            paced._sender.Sync();
        }

        Assert.Equal(5, paced._batteries.Calls.Count);

        // The bucket refills by the time passed since its last refill, at most to its size; wait out one period.
        await Task.Delay(TimeSpan.FromMilliseconds(150));
        budget.Replenish();
        // Waiting calls are released off this thread and may go on arriving: read one snapshot of them.
        var calls = await Eventually.GetAsync(() => Task.FromResult(paced._batteries.Snapshot()), c => c.Count > 5, TimeSpan.FromSeconds(10));

        Assert.InRange(calls.Count, 6, 10);
        Assert.Equal(calls.Count, calls.Select(c => c.BatteryId).Distinct().Count());
        Assert.Equal(16, paced._state.PendingBatteryEvents.Count);
    }

    [Fact]
    public async Task A_failed_battery_call_is_not_repeated_until_the_next_message_or_tick()
    {
        _state.PendingBatteryEvents.AddRange(Enumerable.Range(1, 3).Select(Docked));
        lock (_state)
        {
            _sender.Sync();
        }

        _batteries.Calls[0].Result.SetException(new TimeoutException("battery grain unavailable"));
        await Task.Delay(200);
        Assert.Equal(0, _settled.CurrentCount);
        Assert.Equal(2, _batteries.Calls.Count);

        lock (_state)
        {
            _sender.Sync();
        }

        // The failed battery's events go out again and keep waiting in the state; nothing was confirmed.
        Assert.Equal(3, _batteries.Calls.Count);
        Assert.Equal(_batteries.Calls[0].BatteryId, _batteries.Calls[2].BatteryId);
        Assert.Equal(3, _state.PendingBatteryEvents.Count);
    }

    [Fact]
    public async Task A_first_snapshots_dockings_go_to_their_index_shards_in_one_hand_over_and_stay_pending_until_stored()
    {
        var indexed = new StationBatterySenderTests(maxInFlight: 2, new BatteryCallBudget(perSecond: 0, Metrics(), autoReplenish: false), dockInIndex: true);
        indexed._state.PendingBatteryEvents.AddRange(Enumerable.Range(1, 16).Select(Docked));
        lock (indexed._state)
        {
            indexed._sender.Sync();
        }

        // The silo's docking desk gathers them for a moment before it calls the shards.
        var docks = await Eventually.GetAsync(() => Task.FromResult(indexed._index.Snapshot()), d => d.Sum(x => x.Dockings.Count) == 16, TimeSpan.FromSeconds(10));
        Assert.Empty(indexed._batteries.Calls);
        Assert.Equal(16, docks.Sum(d => d.Dockings.Count));
        Assert.Equal(docks.Count, docks.Select(d => d.Shard).Distinct().Count());
        Assert.All(docks, d => Assert.All(d.Dockings, e => Assert.Equal(d.Shard, BatteryIds.ShardOf(e.BatteryId, IndexShards))));
        Assert.Equal(16, indexed._state.PendingBatteryEvents.Count);

        indexed._index.Stored.SetResult();
        Assert.True(await indexed._settled.WaitAsync(TimeSpan.FromSeconds(10)));
        lock (indexed._state)
        {
            Assert.Empty(indexed._state.PendingBatteryEvents);
        }

        Assert.Empty(indexed._batteries.Calls);
    }

    [Fact]
    public async Task A_docking_its_index_shard_refuses_goes_to_its_battery_grain_and_stays_pending_until_the_grain_confirms()
    {
        var indexed = new StationBatterySenderTests(maxInFlight: 2, new BatteryCallBudget(perSecond: 0, Metrics(), autoReplenish: false), dockInIndex: true);
        indexed._index.Refuse.Add("b-2");
        indexed._index.Stored.SetResult();
        indexed._state.PendingBatteryEvents.AddRange(Enumerable.Range(1, 3).Select(Docked));
        lock (indexed._state)
        {
            indexed._sender.Sync();
        }

        Assert.True(await indexed._settled.WaitAsync(TimeSpan.FromSeconds(10)));
        lock (indexed._state)
        {
            Assert.Equal(["b-2"], indexed._state.PendingBatteryEvents.Select(e => e.BatteryId));
            Assert.Equal(["b-2"], indexed._batteries.Calls.Select(c => c.BatteryId));
        }

        indexed._batteries.Calls[0].Result.SetResult();
        Assert.True(await indexed._settled.WaitAsync(TimeSpan.FromSeconds(10)));
        lock (indexed._state)
        {
            Assert.Empty(indexed._state.PendingBatteryEvents);
        }

        Assert.Equal(3, indexed._index.Snapshot().Sum(d => d.Dockings.Count));
    }

    [Fact]
    public async Task A_batterys_later_event_waits_until_its_earlier_one_is_confirmed()
    {
        _state.PendingBatteryEvents.Add(Docked(1));
        lock (_state)
        {
            _sender.Sync();
        }

        // The health reading comes with the next message while the docking is still out.
        var reading = new BatteryEvent("b-1", "st-1", 1, 2, BatteryEventKinds.SlotIndex(BatteryEventKinds.Reading, 1), BatteryEventKinds.Reading, Samples.Now.AddHours(2), 1, SohPct: 90);
        _state.PendingBatteryEvents.Add(reading);
        lock (_state)
        {
            _sender.Sync();
        }

        Assert.Single(_batteries.Calls);
        _batteries.Calls[0].Result.SetResult();
        Assert.True(await _settled.WaitAsync(TimeSpan.FromSeconds(10)));
        lock (_state)
        {
            Assert.Equal([reading], _state.PendingBatteryEvents);
            Assert.Equal(["b-1", "b-1"], _batteries.Calls.Select(c => c.BatteryId));
        }
    }

    internal sealed class FakeIndex
    {
        private readonly List<(long Shard, List<BatteryEvent> Dockings)> _docks = [];

        public HashSet<string> Refuse { get; } = [];

        /// <summary>Completed when the test lets every shard's write be stored.</summary>
        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<(long Shard, List<BatteryEvent> Dockings)> Snapshot()
        {
            lock (_docks)
            {
                return [.. _docks];
            }
        }

        public DockingAnswer Dock(long shard, IReadOnlyList<BatteryEvent> dockings)
        {
            lock (_docks)
            {
                _docks.Add((shard, [.. dockings]));
            }

            var refused = dockings.Where(d => Refuse.Contains(d.BatteryId)).ToList();
            return new DockingAnswer(refused, refused.Count < dockings.Count ? 1 : 0);
        }
    }

    private sealed class FakeIndexShard(long shard, FakeIndex index) : IBatteryIndexShardGrain
    {
        public Task<DockingAnswer> Dock(IReadOnlyList<BatteryEvent> dockings) => Task.FromResult(index.Dock(shard, dockings));

        public Task Stored(long write) => index.Stored.Task;

        public Task<UpsertAnswer> Upsert(BatterySummary summary, BatteryEvent? settled) => throw new NotSupportedException();

        public Task<BatteryEvent?> DockingOf(string batteryId) => throw new NotSupportedException();

        public Task<bool> Contains(string batteryId) => throw new NotSupportedException();

        public Task<BatteryPage> List(BatteryQuery query) => throw new NotSupportedException();
    }

    internal sealed class FakeBatteries
    {
        public List<(string BatteryId, TaskCompletionSource Result)> Calls { get; } = [];

        public List<(string BatteryId, TaskCompletionSource Result)> Snapshot()
        {
            lock (Calls)
            {
                return [.. Calls];
            }
        }

        public Task Apply(string batteryId)
        {
            var call = (batteryId, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            lock (Calls)
            {
                Calls.Add(call);
            }

            return call.Item2.Task;
        }
    }

    private sealed class FakeBatteryGrain(string id, FakeBatteries batteries) : IBatteryGrain
    {
        public Task Apply(IReadOnlyList<BatteryEvent> events) => batteries.Apply(id);

        public Task<BatteryView?> GetView() => throw new NotSupportedException();

        public Task<BatteryHistoryPage> GetHistory(string? after, int limit) => throw new NotSupportedException();

        public Task<BatteryPassport?> GetPassport() => throw new NotSupportedException();
    }

    /// <summary>Only battery grains and index shards, which is all the sender asks of the factory.</summary>
    public class FakeGrainFactory : DispatchProxy
    {
        private readonly ConcurrentDictionary<string, IBatteryGrain> _grains = new();

        internal FakeBatteries Batteries { get; set; } = null!;

        internal FakeIndex Index { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && args?[0] is string id
                && targetMethod.GetGenericArguments()[0] == typeof(IBatteryGrain))
            {
                return _grains.GetOrAdd(id, key => new FakeBatteryGrain(key, Batteries));
            }

            if (targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && args?[0] is long shard
                && targetMethod.GetGenericArguments()[0] == typeof(IBatteryIndexShardGrain))
            {
                return new FakeIndexShard(shard, Index);
            }

            throw new NotSupportedException(targetMethod?.Name);
        }
    }
}
