using EvSwap.Simulator;

namespace EvSwap.Simulator.Tests;

public class BatteryPoolTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_battery_handed_to_a_rider_comes_back_only_after_its_ride_with_less_charge()
    {
        var pool = new BatteryPool(TimeSpan.FromMinutes(30));
        var random = new Random(3);
        var battery = pool.Take(random, Start);
        pool.Return(battery, Start, socOut: 98, random);

        // Before the shortest ride (15 minutes) is over, a station gets a new battery, not the one on the road.
        Assert.NotSame(battery, pool.Take(random, Start.AddMinutes(14)));

        var back = pool.Take(random, Start.AddMinutes(46));
        Assert.Same(battery, back);
        Assert.InRange(back.BackAt - Start, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(45));
        Assert.Equal(Math.Max(5, 98 - (back.BackAt - Start).TotalMinutes * 1.2), back.SocOnReturn, 6);
    }

    [Fact]
    public void A_few_minted_batteries_are_bad_some_fading_fast_and_some_running_hot()
    {
        var pool = new BatteryPool(TimeSpan.FromMinutes(30));
        var random = new Random(11);
        var minted = Enumerable.Range(0, 2000).Select(_ => pool.Take(random, Start)).ToList();

        var fading = minted.Count(b => b.Defect == BatteryDefect.FastFade);
        var hot = minted.Count(b => b.Defect == BatteryDefect.RunsHot);
        Assert.InRange(fading, 20, 60);
        Assert.InRange(hot, 20, 60);
        Assert.True(minted.First(b => b.Defect == BatteryDefect.FastFade).SohLossPerCycle > 10 * minted.First(b => b.Defect == BatteryDefect.None).SohLossPerCycle);
    }
}
