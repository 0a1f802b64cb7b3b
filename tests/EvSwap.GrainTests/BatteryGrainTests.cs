using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.GrainTests;

/// <summary>A battery followed across two stations through their grains: custody once per event, late events in time order.</summary>
[Collection(ClusterCollection.Name)]
public class BatteryGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-3);

    private static TelemetryEnvelope Envelope(string stationId, long seq, DateTimeOffset ts, IReadOnlyList<SlotReading> slots, IReadOnlyList<StationEvent>? events = null)
    {
        var message = new TelemetryMessage
        {
            Schema = TelemetryMessage.SchemaV1, StationId = stationId, Boot = 1, Seq = seq, Ts = ts, Slots = slots, Events = events,
        };
        return new TelemetryEnvelope(message, JsonSerializer.SerializeToUtf8Bytes(message, TelemetryJsonContext.Default.TelemetryMessage), DateTimeOffset.UtcNow);
    }

    private static SlotReading Held(int slot, string battery, int cycles = 200) =>
        new() { Slot = slot, State = SlotStates.Charging, BatteryId = battery, SocPct = 60, SohPct = 94, Cycles = cycles, TempC = 31 };

    private static SlotReading Empty(int slot) => new() { Slot = slot, State = SlotStates.Empty };

    private async Task<BatteryView> ViewAsync(string battery, long events)
    {
        var view = await Eventually.GetAsync(() => fixture.Grains.GetGrain<IBatteryGrain>(battery).GetView(), v => v is not null && v.EventsApplied >= events);
        return view!;
    }

    [Fact]
    public async Task A_battery_moving_between_two_stations_has_one_custody_chain_with_redelivered_and_late_messages_applied_once()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (a, b, battery, other) = ("bat-st-a-" + suffix, "bat-st-b-" + suffix, "bat-" + suffix, "bat-o-" + suffix);
        var stationA = fixture.Grains.GetGrain<IStationGrain>(a);
        var stationB = fixture.Grains.GetGrain<IStationGrain>(b);

        // A holds the battery in slot 1; seq 3 arrives before seq 2, which carries the swap that handed it to a rider.
        Assert.Equal(IngestOutcome.Accepted, await stationA.Ingest(Envelope(a, 1, T0, [Held(1, battery), Empty(2)])));
        Assert.Equal(IngestOutcome.Accepted, await stationB.Ingest(Envelope(b, 1, T0, [Empty(1), Empty(2)])));
        var swapOut = new StationEvent { Type = EventTypes.Swap, At = T0.AddMinutes(10), SlotIn = 2, BatteryIn = other, SlotOut = 1, BatteryOut = battery };
        Assert.Equal(IngestOutcome.Accepted, await stationA.Ingest(Envelope(a, 3, T0.AddMinutes(20), [Empty(1), Held(2, other)])));
        Assert.Equal(IngestOutcome.Late, await stationA.Ingest(Envelope(a, 2, T0.AddMinutes(10), [Empty(1), Held(2, other)], [swapOut])));

        // The rider brings it to B an hour later.
        var swapIn = new StationEvent { Type = EventTypes.Swap, At = T0.AddMinutes(70), SlotIn = 2, BatteryIn = battery, SlotOut = 1 };
        Assert.Equal(IngestOutcome.Accepted, await stationB.Ingest(Envelope(b, 2, T0.AddMinutes(70), [Empty(1), Held(2, battery, cycles: 201)], [swapIn])));

        // Redeliveries of both stations' messages: duplicates, nothing handed over again.
        Assert.Equal(IngestOutcome.Duplicate, await stationA.Ingest(Envelope(a, 2, T0.AddMinutes(10), [Empty(1), Held(2, other)], [swapOut])));
        Assert.Equal(IngestOutcome.Duplicate, await stationB.Ingest(Envelope(b, 2, T0.AddMinutes(70), [Empty(1), Held(2, battery, cycles: 201)], [swapIn])));

        // Docked at A, removed (seq 3's snapshot), swapped out (seq 2, late), docked at B.
        var before = DateTimeOffset.UtcNow;
        var view = await ViewAsync(battery, 4);
        var after = DateTimeOffset.UtcNow;
        Assert.Equal(new BatteryCustody(BatteryStatuses.InStation, b, 2, T0.AddMinutes(70)), view.Custody);
        Assert.Equal(3600, view.SecondsInState[BatteryStatuses.WithRider]);
        // Ten minutes at A, then at B from 70 minutes until the view was read.
        var atB = view.SecondsInState[BatteryStatuses.InStation] - 600;
        Assert.InRange(atB, (before - T0.AddMinutes(70)).TotalSeconds - 1, (after - T0.AddMinutes(70)).TotalSeconds + 1);
        Assert.Equal(201, view.Latest!.Cycles);

        // A station handing the same events over again (its confirmation lost) changes nothing.
        var history = await fixture.Grains.GetGrain<IBatteryGrain>(battery).GetHistory(null, 100);
        Assert.Equal(
            [(BatteryEventKinds.Docked, a), (BatteryEventKinds.SwappedOut, a), (BatteryEventKinds.Removed, a), (BatteryEventKinds.Docked, b)],
            history.Items.Select(h => (h.Kind, h.StationId)));
        await fixture.Grains.GetGrain<IBatteryGrain>(battery).Apply([new BatteryEvent(battery, a, 1, 2, 0, BatteryEventKinds.SwappedOut, swapOut.At, 1)]);
        Assert.Equal(4, (await fixture.Grains.GetGrain<IBatteryGrain>(battery).GetView())!.EventsApplied);

        var listed = await fixture.Grains.GetGrain<IBatteryIndexShardGrain>(BatteryIds.ShardOf(battery, 16)).List(new BatteryQuery(null, null, null, b, null, 1000));
        Assert.Contains(listed.Items, s => s.BatteryId == battery && s.Custody.Status == BatteryStatuses.InStation);
    }

    [Fact]
    public async Task Snapshots_that_change_no_custody_call_no_battery_grain()
    {
        var station = "bat-quiet-" + Guid.NewGuid().ToString("N")[..8];
        var batteries = Enumerable.Range(1, 4).Select(i => $"bat-q{i}-{station}").ToArray();
        var grain = fixture.Grains.GetGrain<IStationGrain>(station);
        var slots = batteries.Select((id, i) => Held(i + 1, id)).ToList();
        for (var seq = 1; seq <= 200; seq++)
        {
            await grain.Ingest(Envelope(station, seq, T0.AddSeconds(5 * seq), slots));
        }

        // 200 messages over 1,000 s of station time (health interval 2 h): each battery heard once, when it docked.
        foreach (var id in batteries)
        {
            var view = await ViewAsync(id, 1);
            Assert.Equal(1, view.EventsApplied);
        }
    }

    [Fact]
    public async Task Custody_changes_the_stored_state_missed_reach_the_battery_once_when_a_new_activation_catches_up_from_the_archive()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (station, battery, other) = ("bat-replay-" + suffix, "bat-r-" + suffix, "bat-ro-" + suffix);
        var swap = new StationEvent { Type = EventTypes.Swap, At = T0.AddMinutes(5), SlotIn = 2, BatteryIn = other, SlotOut = 1, BatteryOut = battery };
        var earlier = new[] { Envelope(station, 1, T0, [Held(1, battery), Empty(2)]), Envelope(station, 2, T0.AddMinutes(5), [Empty(1), Held(2, other)], [swap]) };
        // Archived, but the station's state was never written (a crash right after the archive write).
        await fixture.Archive.WriteBatchAsync(TelemetryBatch.FromMessages(station, 1, DateOnly.FromDateTime(T0.UtcDateTime),
            [.. earlier.Select(e => new BufferedMessage(e.Message.Boot, e.Message.Seq, e.Message.Ts, e.ReceivedAt, e.Payload))]));

        var grain = fixture.Grains.GetGrain<IStationGrain>(station);
        Assert.Equal(IngestOutcome.Duplicate, await grain.Ingest(earlier[1]));

        var view = await ViewAsync(battery, 2);
        Assert.Equal(new BatteryCustody(BatteryStatuses.WithRider, station, 1, T0.AddMinutes(5)), view.Custody);
        Assert.Equal(BatteryStatuses.InStation, (await ViewAsync(other, 1)).Custody.Status);

        // Replaying the same messages into the battery again (a station that lost the confirmation) adds nothing.
        await fixture.Grains.GetGrain<IBatteryGrain>(battery).Apply([
            new BatteryEvent(battery, station, 1, 1, BatteryEventKinds.SlotIndex(BatteryEventKinds.Docked, 1), BatteryEventKinds.Docked, T0, 1),
            new BatteryEvent(battery, station, 1, 2, 0, BatteryEventKinds.SwappedOut, swap.At, 1)]);
        Assert.Equal(2, (await fixture.Grains.GetGrain<IBatteryGrain>(battery).GetView())!.EventsApplied);
    }
}
