using System.Diagnostics;
using EvSwap.Api;

namespace EvSwap.GrainTests;

/// <summary>API rate limits per client across silos: every silo's limiter draws from the client's one budget grain.</summary>
[Collection(ClusterCollection.Name)]
public class ClusterRateLimitTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Two_silos_limiting_one_client_admit_its_burst_and_rate_once_between_them()
    {
        var options = new RateLimitOptions { PermitsPerSecond = 20, Burst = 40 };
        var client = "client-" + Guid.NewGuid().ToString("N");
        using var siloA = new ClusterRateLimiter(client, fixture.Grains, options, TimeProvider.System);
        using var siloB = new ClusterRateLimiter(client, fixture.Grains, options, TimeProvider.System);

        // A load balancer sends the client's requests to one silo, then the other.
        var clock = Stopwatch.StartNew();
        var admitted = 0;
        for (var i = 0; i < 200; i++)
        {
            using var lease = await (i % 2 == 0 ? siloA : siloB).AcquireAsync(1);
            admitted += lease.IsAcquired ? 1 : 0;
        }

        // Each silo on its own would admit its own burst (80 in all). At most one chunk per silo lapses unused.
        var refilled = (int)Math.Ceiling(clock.Elapsed.TotalSeconds * options.PermitsPerSecond);
        Assert.InRange(admitted, options.Burst - 2, options.Burst + refilled);
    }

    [Fact]
    public async Task Another_client_keeps_its_own_budget()
    {
        var options = new RateLimitOptions { PermitsPerSecond = 1, Burst = 3 };
        using var busy = new ClusterRateLimiter("busy-" + Guid.NewGuid().ToString("N"), fixture.Grains, options, TimeProvider.System);
        using var quiet = new ClusterRateLimiter("quiet-" + Guid.NewGuid().ToString("N"), fixture.Grains, options, TimeProvider.System);
        for (var i = 0; i < 10; i++)
        {
            using var _ = await busy.AcquireAsync(1);
        }

        using var lease = await quiet.AcquireAsync(1);
        Assert.True(lease.IsAcquired);
    }
}
