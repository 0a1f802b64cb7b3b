using System.Reflection;
using EvSwap.Api;
using EvSwap.Contracts;

namespace EvSwap.GrainTests;

/// <summary>How one silo's limiter draws a client's permits, with a budget grain that answers at once.</summary>
public class ClusterRateLimiterDrawTests
{
    [Fact]
    public async Task A_budget_that_answers_before_its_call_returns_keeps_admitting_within_the_budget()
    {
        // A chunk of one permit, so every request but the first in a chunk draws again.
        var options = new RateLimitOptions { PermitsPerSecond = 20, Burst = 40 };
        var budget = new ImmediateBudget { Left = 30 };
        using var limiter = new ClusterRateLimiter("client", FakeGrains.With(budget), options, TimeProvider.System);

        var admitted = 0;
        for (var i = 0; i < 40; i++)
        {
            using var lease = await limiter.AcquireAsync(1);
            admitted += lease.IsAcquired ? 1 : 0;
        }

        // A draw that finished within its own call once stayed behind as "the draw in progress": every later request
        // waited on it, found no permit, and was refused for good although the budget held more.
        Assert.Equal(30, admitted);
    }

    [Fact]
    public async Task Concurrent_requests_that_find_a_shared_chunk_taken_draw_again_instead_of_being_refused()
    {
        var options = new RateLimitOptions { PermitsPerSecond = 100, Burst = 1000 };
        var budget = new SlowBudget { Left = 1000 };
        using var limiter = new ClusterRateLimiter("client", FakeGrains.With(budget), options, TimeProvider.System);

        // Twenty requests wait for one draw of a five-permit chunk.
        var leases = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => limiter.AcquireAsync(1).AsTask()));

        Assert.All(leases, l => Assert.True(l.IsAcquired));
        Assert.True(budget.Calls > 1);
    }

    private sealed class ImmediateBudget : IClientRateGrain
    {
        public int Left { get; set; }

        public Task<int> Take(int wanted, int perSecond, int burst)
        {
            var granted = Math.Min(wanted, Left);
            Left -= granted;
            return Task.FromResult(granted);
        }
    }

    private sealed class SlowBudget : IClientRateGrain
    {
        private int _calls;

        public int Left { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public async Task<int> Take(int wanted, int perSecond, int burst)
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(50);
            lock (this)
            {
                var granted = Math.Min(wanted, Left);
                Left -= granted;
                return granted;
            }
        }
    }

    public class FakeGrains : DispatchProxy
    {
        private IClientRateGrain _budget = null!;

        public static IGrainFactory With(IClientRateGrain budget)
        {
            var grains = Create<IGrainFactory, FakeGrains>();
            ((FakeGrains)(object)grains)._budget = budget;
            return grains;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] == typeof(IClientRateGrain)
                ? _budget
                : throw new NotSupportedException(targetMethod?.Name);
    }
}
