using EvSwap.Contracts;
using EvSwap.Grains;
using Microsoft.Extensions.Time.Testing;

namespace EvSwap.UnitTests;

/// <summary>What a station tells battery grains: custody changes and readings at a bounded rate, never one per snapshot.</summary>
public class StationBatteriesTests
{
    private readonly StationState _state = new();
    private readonly StationOptions _options = new();
    private readonly BatteryOptions _batteries = new() { HealthInterval = TimeSpan.FromMinutes(30), OverTemperatureC = 60 };
    private readonly FakeTimeProvider _clock = new(Samples.Now);
    private long _seq;

    private static SlotReading Held(int slot, string battery, double temp = 30, double soc = 50) =>
        new() { Slot = slot, State = SlotStates.Charging, BatteryId = battery, SocPct = soc, SohPct = 95, Cycles = 300, TempC = temp };

    private List<BatteryEvent> Send(IReadOnlyList<SlotReading> slots, IReadOnlyList<StationEvent>? events = null, long? seq = null)
    {
        var before = _state.PendingBatteryEvents.Count;
        var m = Samples.Message(seq: seq ?? ++_seq, ts: _clock.GetUtcNow(), slots: slots, events: events);
        StationModel.Apply(_state, m, Samples.Json(m), _clock.GetUtcNow(), _options, batteries: _batteries);
        return _state.PendingBatteryEvents.Skip(before).ToList();
    }

    [Fact]
    public void Unchanged_snapshots_derive_nothing_and_each_battery_gets_one_reading_per_health_interval()
    {
        IReadOnlyList<SlotReading> slots = [Held(1, "b-1"), Held(2, "b-2"), new() { Slot = 3, State = SlotStates.Empty }];
        Assert.Equal([BatteryEventKinds.Docked, BatteryEventKinds.Docked], Send(slots).Select(e => e.Kind));

        // An hour of snapshots every 5 s: 720 messages, two readings per battery (at 30 and 60 minutes), nothing else.
        var derived = new List<BatteryEvent>();
        for (var i = 0; i < 720; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            derived.AddRange(Send(slots));
        }

        Assert.All(derived, e => Assert.Equal(BatteryEventKinds.Reading, e.Kind));
        Assert.Equal(4, derived.Count);
        Assert.Equal(2, derived.Count(e => e.BatteryId == "b-1"));
    }

    [Fact]
    public void A_swap_derives_the_battery_handed_out_and_the_one_docked_and_no_removal()
    {
        Send([Held(1, "b-out", soc: 99), new() { Slot = 2, State = SlotStates.Empty }]);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var swap = new StationEvent { Type = EventTypes.Swap, At = _clock.GetUtcNow().AddSeconds(-2), SlotIn = 2, BatteryIn = "b-in", SocIn = 20, SlotOut = 1, BatteryOut = "b-out", SocOut = 99 };

        var events = Send([new() { Slot = 1, State = SlotStates.Empty }, Held(2, "b-in", soc: 20)], [swap]);

        Assert.Equal(
            [("b-out", BatteryEventKinds.SwappedOut, 1, 0), ("b-in", BatteryEventKinds.Docked, 2, 0)],
            events.Select(e => (e.BatteryId, e.Kind, e.Slot!.Value, e.Index)));
        Assert.Equal(swap.At, events[0].At);
        Assert.Equal((20.0, 95.0, 300), (events[1].SocPct!.Value, events[1].SohPct!.Value, events[1].Cycles!.Value));
    }

    [Fact]
    public void A_battery_gone_without_a_swap_is_removed_and_a_move_inside_the_station_removes_then_docks()
    {
        Send([Held(1, "b-1"), Held(2, "b-2")]);
        _clock.Advance(TimeSpan.FromMinutes(1));

        var events = Send([new() { Slot = 1, State = SlotStates.Empty }, new() { Slot = 2, State = SlotStates.Empty }, Held(3, "b-2")]);

        Assert.Equal(
            [("b-2", BatteryEventKinds.Docked, 3), ("b-1", BatteryEventKinds.Removed, 1), ("b-2", BatteryEventKinds.Removed, 2)],
            events.Select(e => (e.BatteryId, e.Kind, e.Slot!.Value)));
        var b2 = events.Where(e => e.BatteryId == "b-2").OrderBy(e => e.Index).Select(e => e.Kind);
        Assert.Equal([BatteryEventKinds.Removed, BatteryEventKinds.Docked], b2);
    }

    [Fact]
    public void Crossing_the_over_temperature_threshold_sends_a_reading_at_once_but_staying_hot_does_not()
    {
        Send([Held(1, "b-1")]);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var hot = Send([Held(1, "b-1", temp: 65)]);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var stillHot = Send([Held(1, "b-1", temp: 66)]);

        Assert.Equal(65.0, Assert.Single(hot).TempC);
        Assert.Empty(stillHot);
    }

    [Fact]
    public void A_late_message_derives_its_swaps_but_not_its_slots()
    {
        Send([Held(1, "b-1")], seq: 10);
        var swap = new StationEvent { Type = EventTypes.Swap, At = _clock.GetUtcNow().AddSeconds(-30), SlotIn = 2, BatteryIn = "b-late-in", SlotOut = 3, BatteryOut = "b-late-out" };

        var events = Send([Held(2, "b-late-in"), Held(5, "b-else")], [swap], seq: 9);

        Assert.Equal(["b-late-out", "b-late-in"], events.Select(e => e.BatteryId));
        Assert.Equal(["b-1"], _state.BatterySlots.Select(h => h.BatteryId));
    }
}
