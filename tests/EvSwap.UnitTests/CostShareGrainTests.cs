using EvSwap.Contracts;
using EvSwap.Grains;
using Microsoft.Extensions.Time.Testing;

namespace EvSwap.UnitTests;

/// <summary>Where the silos add up their cost counters: the latest share of each silo, and only of silos still reporting.</summary>
public class CostShareGrainTests
{
    private readonly FakeTimeProvider _time = new(Samples.Now);

    private CostShare Share(string silo, long messages) => new(silo, messages, messages / 50, messages / 200, TimeSpan.FromHours(1), _time.GetUtcNow());

    [Fact]
    public async Task Each_silo_counts_once_with_its_latest_report()
    {
        var grain = new CostShareGrain(_time);
        await grain.Report(Share("silo-a", 1_000));
        await grain.Report(Share("silo-b", 500));

        var shares = await grain.Report(Share("silo-a", 3_000));

        Assert.Equal([("silo-a", 3_000L), ("silo-b", 500L)], shares.Select(s => (s.Silo, s.Messages)));
    }

    [Fact]
    public async Task A_silo_that_stopped_reporting_no_longer_counts_once_its_share_is_stale()
    {
        var grain = new CostShareGrain(_time);
        await grain.Report(Share("silo-gone", 1_000));
        _time.Advance(TimeSpan.FromSeconds(90));
        await grain.Report(Share("silo-a", 2_000));
        Assert.Equal(2, (await grain.Shares()).Count);

        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(["silo-a"], (await grain.Shares()).Select(s => s.Silo));
    }
}
