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
    private readonly SemaphoreSlim _settled = new(0);
    private readonly StationBatterySender _sender;

    public StationBatterySenderTests()
        : this(maxInFlight: 2, budget: new BatteryCallBudget(perSecond: 0, Metrics(), autoReplenish: false))
    {
    }

    private StationBatterySenderTests(int maxInFlight, BatteryCallBudget budget)
    {
        var grains = DispatchProxy.Create<IGrainFactory, FakeGrainFactory>();
        ((FakeGrainFactory)(object)grains).Batteries = _batteries;
        _sender = new StationBatterySender("st-1", _state, grains, new BatteryOptions { MaxCallsInFlightPerStation = maxInFlight }, budget, NullLogger.Instance, () =>
        {
            lock (_state)
            {
                _sender!.Sync();
            }

            _settled.Release();
        });
    }

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

    /// <summary>Only <c>GetGrain&lt;IBatteryGrain&gt;(id)</c>, which is all the sender asks of the factory.</summary>
    public class FakeGrainFactory : DispatchProxy
    {
        private readonly ConcurrentDictionary<string, IBatteryGrain> _grains = new();

        internal FakeBatteries Batteries { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && args?[0] is string id
                && targetMethod.GetGenericArguments()[0] == typeof(IBatteryGrain))
            {
                return _grains.GetOrAdd(id, key => new FakeBatteryGrain(key, Batteries));
            }

            throw new NotSupportedException(targetMethod?.Name);
        }
    }
}
