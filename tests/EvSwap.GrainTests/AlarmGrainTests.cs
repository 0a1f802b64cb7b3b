using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.GrainTests;

/// <summary>Station grains hand alarm transitions to the alarm shards of a two-silo cluster; the shards keep the lifecycle.</summary>
[Collection(ClusterCollection.Name)]
public class AlarmGrainTests(ClusterFixture fixture)
{
    private static string NewStation() => "st-" + Guid.NewGuid().ToString("N")[..12];

    private static readonly IReadOnlyList<SlotReading> Hot = [new SlotReading { Slot = 3, State = SlotStates.Charging, BatteryId = "bat-3", SocPct = 60, TempC = 62 }];
    private static readonly IReadOnlyList<SlotReading> Cool = [new SlotReading { Slot = 3, State = SlotStates.Charging, BatteryId = "bat-3", SocPct = 60, TempC = 40 }];

    private IAlarmShardGrain ShardOf(string station) => fixture.Grains.GetGrain<IAlarmShardGrain>(FleetIndex.ShardOf(station, 4));

    [Fact]
    public async Task An_over_temperature_becomes_one_alarm_that_redelivery_does_not_raise_again_and_that_clears()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        for (var seq = 1; seq <= 3; seq++)
        {
            await grain.Ingest(ClusterFixture.Envelope(id, seq, slots: Hot));
        }

        // The raising message and its neighbours again, as IoT Core redelivers after a reconnect.
        for (var seq = 1; seq <= 3; seq++)
        {
            Assert.Equal(IngestOutcome.Duplicate, await grain.Ingest(ClusterFixture.Envelope(id, seq, slots: Hot)));
        }

        var station = new AlarmQuery(null, null, null, id, null, null, null, 100);
        var alarm = Assert.Single((await ShardOf(id).List(station)).Items);
        Assert.Equal(($"{id}.over-temperature.3.b1s3", AlarmStates.ActiveUnacknowledged, AlarmSeverities.Critical), (alarm.Id, alarm.State, alarm.Severity));

        await grain.Ingest(ClusterFixture.Envelope(id, 4, slots: Cool));
        var cleared = Assert.Single((await ShardOf(id).List(station)).Items);
        Assert.Equal(AlarmStates.ClearedUnacknowledged, cleared.State);

        var acked = await ShardOf(id).Acknowledge(alarm.Id, "alice", "seen");
        Assert.Equal((AlarmStates.ClearedAcknowledged, "alice"), (acked!.State, acked.AcknowledgedBy));
    }

    [Fact]
    public async Task An_acknowledged_alarm_survives_its_shard_moving_to_another_activation()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        for (var seq = 1; seq <= 3; seq++)
        {
            await grain.Ingest(ClusterFixture.Envelope(id, seq, slots: Hot));
        }

        var alarmId = $"{id}.over-temperature.3.b1s3";
        await ShardOf(id).Assign(alarmId, "tech-7", "alice");
        await ShardOf(id).Acknowledge(alarmId, "alice", null);

        var management = fixture.Grains.GetGrain<global::Orleans.Runtime.IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);

        var reloaded = await Eventually.GetAsync(() => ShardOf(id).Get(alarmId), a => a is not null);
        Assert.Equal((AlarmStates.ActiveAcknowledged, "alice", "tech-7"), (reloaded!.State, reloaded.AcknowledgedBy, reloaded.Assignee));
    }

    [Fact]
    public async Task A_silent_station_gets_an_offline_alarm_from_the_sweep_without_its_grain()
    {
        var id = NewStation();
        var envelope = ClusterFixture.Envelope(id, 1);
        var old = envelope with { ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(-5) };
        await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(old);
        var index = fixture.Grains.GetGrain<IFleetIndexShardGrain>(FleetIndex.ShardOf(id, 4));
        await Eventually.GetAsync(() => index.List(new FleetQuery(null, null, 1000)), p => p.Items.Any(i => i.StationId == id));

        await ShardOf(id).Sweep();
        await ShardOf(id).Sweep();

        var offline = Assert.Single((await ShardOf(id).List(new AlarmQuery(null, AlertKinds.Offline, null, id, null, null, null, 10))).Items);
        Assert.Equal(AlarmStates.ActiveUnacknowledged, offline.State);
    }

    [Fact]
    public async Task A_battery_whose_health_falls_below_the_threshold_raises_one_alarm_at_its_station_and_clears_it_from_another()
    {
        var (a, b) = (NewStation(), NewStation());
        var battery = "bat-" + Guid.NewGuid().ToString("N")[..10];
        var t0 = DateTimeOffset.UtcNow.AddDays(-1);
        BatteryEvent Reading(string station, long seq, double soh, DateTimeOffset at) =>
            new(battery, station, 1, seq, BatteryEventKinds.SlotIndexBase + 2, BatteryEventKinds.Reading, at, 2, 90, soh, 1200, 28);
        var grain = fixture.Grains.GetGrain<IBatteryGrain>(battery);

        IReadOnlyList<BatteryEvent> low = [Reading(a, 1, 66, t0), Reading(a, 2, 65.5, t0.AddHours(2))];
        await grain.Apply(low);
        // A station whose confirmation was lost hands the same readings over again.
        await grain.Apply(low);
        await grain.Apply([low[1]]);

        var byBattery = new AlarmQuery(null, AlertKinds.BatterySohLow, null, a, null, null, null, 10, battery);
        var alarm = Assert.Single((await Eventually.GetAsync(() => ShardOf(a).List(byBattery), p => p.Items.Count > 0)).Items);
        Assert.Equal((battery, 2, AlarmStates.ActiveUnacknowledged), (alarm.BatteryId, alarm.Slot, alarm.State));

        // Recalibrated at another station: the clear reaches the alarm where it was raised.
        await grain.Apply([Reading(b, 1, 80, t0.AddHours(5))]);
        var cleared = Assert.Single((await Eventually.GetAsync(() => ShardOf(a).List(byBattery), p => p.Items is [{ ClearedAt: not null }])).Items);
        Assert.Equal(alarm.Id, cleared.Id);
        Assert.Empty((await ShardOf(b).List(new AlarmQuery(null, null, null, b, null, null, null, 10))).Items);
    }
}
