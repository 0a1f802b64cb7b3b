using System.Reflection;
using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Testing;
using Microsoft.Extensions.Options;

namespace EvSwap.UnitTests;

/// <summary>The silo's way to the battery index for dockings: many stations' dockings per shard in one call.</summary>
public class BatteryDockingDeskTests
{
    private const int Shards = 4;
    private readonly StationBatterySenderTests.FakeIndex _index = new();
    private readonly BatteryDockingDesk _desk;

    public BatteryDockingDeskTests()
    {
        var grains = DispatchProxy.Create<IGrainFactory, StationBatterySenderTests.FakeGrainFactory>();
        ((StationBatterySenderTests.FakeGrainFactory)(object)grains).Index = _index;
        _desk = new BatteryDockingDesk(grains, Options.Create(new BatteryIndexOptions { IndexShards = Shards }));
    }

    private static BatteryEvent Docked(string station, int slot) =>
        new($"b-{station}-{slot}", station, 1, 1, BatteryEventKinds.SlotIndex(BatteryEventKinds.Docked, slot), BatteryEventKinds.Docked, Samples.Now, slot);

    [Fact]
    public async Task Dockings_of_many_stations_arriving_together_go_in_one_call_per_shard_and_each_station_hears_its_own_refusals()
    {
        _index.Refuse.Add("b-st-7-3");
        _index.Stored.SetResult();
        var stations = Enumerable.Range(0, 50).Select(i => Enumerable.Range(1, 16).Select(slot => Docked($"st-{i}", slot)).ToList()).ToList();

        var refused = await Task.WhenAll(stations.Select(s => _desk.DockAsync(s)));

        var calls = _index.Snapshot();
        Assert.Equal(50 * 16, calls.Sum(c => c.Dockings.Count));
        Assert.InRange(calls.Count, 1, 3 * Shards);
        Assert.Equal(["b-st-7-3"], refused[7].Select(e => e.BatteryId));
        Assert.All(refused.Where((_, i) => i != 7), Assert.Empty);
    }

    [Fact]
    public async Task A_station_hears_back_only_once_its_shard_has_stored_the_dockings()
    {
        var docked = _desk.DockAsync([Docked("st-1", 1)]);

        await Eventually.GetAsync(() => Task.FromResult(_index.Snapshot().Count), n => n == 1, TimeSpan.FromSeconds(10));
        await Task.Delay(100);
        Assert.False(docked.IsCompleted);

        _index.Stored.SetResult();
        Assert.Empty(await docked.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
