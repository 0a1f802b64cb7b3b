using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace EvSwap.GrainTests;

/// <summary>
/// The indexes write behind their changes, but a key they gain is stored within seconds: a silo that crashes later
/// must not take a station or battery out of the index when nothing would ever put it back.
/// </summary>
[Collection(ClusterCollection.Name)]
public class IndexDurabilityTests(ClusterFixture fixture)
{
    private static readonly TimeSpan WellBeforeThePeriodicWrite = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_new_station_is_stored_in_its_fleet_index_shard_within_seconds_not_at_the_next_periodic_write()
    {
        var id = "st-" + Guid.NewGuid().ToString("N")[..12];
        Assert.Equal(IngestOutcome.Accepted, await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(ClusterFixture.Envelope(id, seq: 1)));

        var stored = await Eventually.GetAsync(
            () => Task.FromResult(Stored<StateChunk<StationSummary>>("fleet-shard").Any(s => s.Items.ContainsKey(id))), found => found, WellBeforeThePeriodicWrite);
        Assert.True(stored, $"{id} is not in any stored fleet index shard");
    }

    [Fact]
    public async Task A_new_battery_is_stored_in_its_battery_index_shard_within_seconds_not_at_the_next_periodic_write()
    {
        var id = "st-" + Guid.NewGuid().ToString("N")[..12];
        var battery = "bat-" + Guid.NewGuid().ToString("N")[..12];
        var slot = new SlotReading { Slot = 1, State = SlotStates.Charging, BatteryId = battery, SocPct = 60, SohPct = 94, Cycles = 10, TempC = 31 };
        Assert.Equal(IngestOutcome.Accepted, await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(ClusterFixture.Envelope(id, seq: 1, slots: [slot])));

        var stored = await Eventually.GetAsync(
            () => Task.FromResult(Stored<StateChunk<BatterySummary>>("battery-index").Any(s => s.Items.ContainsKey(battery))), found => found, WellBeforeThePeriodicWrite);
        Assert.True(stored, $"{battery} is not in any stored battery index shard");
    }

    /// <summary>The stored chunks of an index (<see cref="ChunkedState{T}"/>): items named "{stateName}.g{generation}.c{chunk}".</summary>
    private IEnumerable<T> Stored<T>(string stateName)
    {
        var services = fixture.Cluster.Primary is InProcessSiloHandle silo ? silo.SiloHost.Services : throw new InvalidOperationException("in-process silos only");
        var serializer = ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(services);
        return ClusterFixture.State.Items
            .Where(item => item.Key.Contains($"/{stateName}.g", StringComparison.Ordinal))
            .Select(item => serializer.Deserialize<T>(item.Value.State)!)
            .ToList();
    }
}
