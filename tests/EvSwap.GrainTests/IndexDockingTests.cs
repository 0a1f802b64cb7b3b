using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.GrainTests;

/// <summary>Batteries docked in their index shard without a grain, and their grains taking the docking over.</summary>
[Collection(ClusterCollection.Name)]
public class IndexDockingTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-1);

    private static BatteryEvent Docking(string battery, string station, int slot = 3, double soh = 94, double temp = 30) =>
        new(battery, station, 1, 1, BatteryEventKinds.SlotIndex(BatteryEventKinds.Docked, slot), BatteryEventKinds.Docked, T0, slot, 80, soh, 250, temp);

    private IBatteryIndexShardGrain ShardOf(string battery) => fixture.Grains.GetGrain<IBatteryIndexShardGrain>(BatteryIds.ShardOf(battery, 16));

    [Fact]
    public async Task A_battery_docked_in_its_index_is_listed_and_viewed_and_its_grain_keeps_the_docking_once_it_moves()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (battery, station) = ("bat-ix-" + suffix, "st-ix-" + suffix);
        var shard = ShardOf(battery);
        var docking = Docking(battery, station);

        var answer = await shard.Dock([docking]);
        Assert.Empty(answer.Refused);
        await shard.Stored(answer.Write).WaitAsync(TimeSpan.FromSeconds(30));

        var listed = await shard.List(new BatteryQuery(null, null, null, station, null, 10));
        Assert.Equal(new BatteryCustody(BatteryStatuses.InStation, station, 3, T0), Assert.Single(listed.Items).Custody);
        Assert.True(await shard.Contains(battery));
        var view = await fixture.Grains.GetGrain<IBatteryGrain>(battery).GetView();
        Assert.Equal((1L, 94.0), (view!.EventsApplied, view.Latest!.SohPct));

        // Handed to a rider: the grain stores the docking it took over with the swap, and the shard lets it go.
        var swappedOut = new BatteryEvent(battery, station, 1, 2, 0, BatteryEventKinds.SwappedOut, T0.AddMinutes(30), 3, SocPct: 79);
        await fixture.Grains.GetGrain<IBatteryGrain>(battery).Apply([swappedOut]);
        var history = await fixture.Grains.GetGrain<IBatteryGrain>(battery).GetHistory(null, 10);
        Assert.Equal([(BatteryEventKinds.Docked, T0), (BatteryEventKinds.SwappedOut, T0.AddMinutes(30))], history.Items.Select(h => (h.Kind, h.At)));
        Assert.Null(await shard.DockingOf(battery));
        Assert.Equal(BatteryStatuses.WithRider, (await shard.List(new BatteryQuery(null, null, null, null, null, 10_000))).Items.Single(i => i.BatteryId == battery).Custody.Status);

        // The station handing the docking over again (its confirmation lost) reaches the grain, which has it already.
        var again = await shard.Dock([docking]);
        Assert.Equal([docking], again.Refused);
        await fixture.Grains.GetGrain<IBatteryGrain>(battery).Apply(again.Refused);
        Assert.Equal(2, (await fixture.Grains.GetGrain<IBatteryGrain>(battery).GetView())!.EventsApplied);
    }

    [Fact]
    public async Task A_docking_taken_before_is_taken_again_and_answered_once_stored()
    {
        var battery = "bat-ix-rep-" + Guid.NewGuid().ToString("N")[..8];
        var shard = ShardOf(battery);
        var docking = Docking(battery, "st-rep");
        await shard.Stored((await shard.Dock([docking])).Write).WaitAsync(TimeSpan.FromSeconds(30));

        var again = await shard.Dock([docking]);

        Assert.Empty(again.Refused);
        await shard.Stored(again.Write).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(docking, await shard.DockingOf(battery));
    }

    [Fact]
    public async Task Dockings_whose_reading_needs_the_grain_now_are_refused()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var worn = Docking("bat-ix-worn-" + suffix, "st-x", soh: 60);
        var hot = Docking("bat-ix-hot-" + suffix, "st-x", temp: 75);

        foreach (var docking in new[] { worn, hot })
        {
            var answer = await ShardOf(docking.BatteryId).Dock([docking]);
            Assert.Equal([docking], answer.Refused);
            Assert.Equal(0, answer.Write);
            Assert.False(await ShardOf(docking.BatteryId).Contains(docking.BatteryId));
        }
    }

    [Fact]
    public async Task A_docking_the_shard_holds_for_a_battery_whose_grain_pushed_without_it_is_handed_back_until_settled()
    {
        var battery = "bat-ix-held-" + Guid.NewGuid().ToString("N")[..8];
        var shard = ShardOf(battery);
        var docking = Docking(battery, "st-held");
        await shard.Stored((await shard.Dock([docking])).Write).WaitAsync(TimeSpan.FromSeconds(30));

        // A grain whose state was made before the docking reached the shard pushes its own entry.
        var elsewhere = new BatterySummary(battery, new BatteryCustody(BatteryStatuses.WithRider, "st-other", 1, T0.AddMinutes(-30)), 94, [], DateTimeOffset.UtcNow);
        Assert.Equal(docking, (await shard.Upsert(elsewhere, settled: null)).Held);
        Assert.Equal(docking, await shard.DockingOf(battery));

        Assert.Null((await shard.Upsert(elsewhere with { Updated = DateTimeOffset.UtcNow }, settled: docking)).Held);
        Assert.Null(await shard.DockingOf(battery));
    }

    [Fact]
    public async Task A_battery_new_to_its_shard_through_its_grain_names_the_write_to_wait_for_and_a_known_one_none()
    {
        var battery = "bat-ix-new-" + Guid.NewGuid().ToString("N")[..8];
        var shard = ShardOf(battery);
        var summary = new BatterySummary(battery, new BatteryCustody(BatteryStatuses.WithRider, "st-new", 1, T0), 94, [], DateTimeOffset.UtcNow);

        var first = await shard.Upsert(summary, settled: null);
        Assert.True(first.Write > 0);
        await shard.Stored(first.Write).WaitAsync(TimeSpan.FromSeconds(30));

        var again = await shard.Upsert(summary with { Updated = DateTimeOffset.UtcNow }, settled: null);
        Assert.Equal(new UpsertAnswer(null, 0), again);
    }
}
