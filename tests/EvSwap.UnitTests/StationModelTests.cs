using EvSwap.Contracts;
using EvSwap.Grains;

namespace EvSwap.UnitTests;

public class StationModelTests
{
    private readonly StationOptions _options = new() { OverTemperatureC = 55, OverTemperatureClearC = 50, OverTemperatureMessages = 3, OfflineAfter = TimeSpan.FromSeconds(15) };
    private readonly StationState _state = new();

    private ApplyResult Apply(TelemetryMessage m) =>
        StationModel.Apply(_state, m, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(m, TelemetryJsonContext.Default.TelemetryMessage), Samples.Now, _options);

    [Fact]
    public void A_redelivered_message_is_a_duplicate_and_changes_nothing_but_the_duplicate_count()
    {
        Apply(Samples.Message(seq: 5, events: [Samples.Swap()]));
        var again = Apply(Samples.Message(seq: 5, events: [Samples.Swap()]));

        Assert.False(again.Applied);
        Assert.Equal(1, _state.Messages);
        Assert.Equal(1, _state.SwapsTotal);
        Assert.Equal(1, _state.Duplicates);
    }

    [Fact]
    public void An_older_message_arriving_after_a_newer_one_is_a_duplicate()
    {
        Apply(Samples.Message(seq: 10));
        var late = Apply(Samples.Message(seq: 9));

        Assert.False(late.Applied);
        Assert.Equal(10, _state.Seq);
        Assert.Equal(1, _state.Duplicates);
    }

    [Fact]
    public void A_reboot_with_a_higher_boot_and_seq_from_zero_is_accepted()
    {
        Apply(Samples.Message(boot: 7, seq: 18231));
        var reboot = Apply(Samples.Message(boot: 8, seq: 0));

        Assert.True(reboot.Applied);
        Assert.Equal((8L, 0L), (_state.Boot, _state.Seq));
        Assert.Equal(2, _state.Messages);
    }

    [Fact]
    public void A_message_from_an_earlier_boot_is_a_duplicate_even_with_a_higher_seq()
    {
        Apply(Samples.Message(boot: 8, seq: 3));
        Assert.False(Apply(Samples.Message(boot: 7, seq: 99999)).Applied);
    }

    [Fact]
    public void Swaps_and_faults_are_counted_and_make_the_change_significant()
    {
        var plain = Apply(Samples.Message(seq: 1));
        var swap = Apply(Samples.Message(seq: 2, events: [Samples.Swap(), Samples.Swap(2, 1)]));
        var fault = Apply(Samples.Message(seq: 3, events: [new StationEvent { Type = EventTypes.Fault, Slot = 2, Code = "OVERTEMP" }]));

        Assert.False(plain.IsSignificant);
        Assert.Equal(2, swap.Swaps);
        Assert.True(swap.IsSignificant);
        Assert.True(fault.IsSignificant);
        Assert.Equal(2, _state.SwapsTotal);
        Assert.Equal(1, _state.Faults);
    }

    [Fact]
    public void Over_temperature_raises_only_after_the_configured_consecutive_messages()
    {
        var results = Enumerable.Range(1, 3).Select(seq => Apply(Samples.Message(seq: seq, slots: [Samples.Slot(1, 56)]))).ToList();

        Assert.False(results[0].AlertsChanged);
        Assert.False(results[1].AlertsChanged);
        Assert.True(results[2].AlertsChanged);
        Assert.Equal(AlertKinds.OverTemperature, Assert.Single(results[2].Raised!).Kind);
        var alert = Assert.Single(_state.Alerts);
        Assert.Equal((AlertKinds.OverTemperature, (int?)1), (alert.Kind, alert.Slot));
    }

    [Fact]
    public void A_cool_reading_between_hot_ones_restarts_the_count()
    {
        Apply(Samples.Message(seq: 1, slots: [Samples.Slot(1, 56)]));
        Apply(Samples.Message(seq: 2, slots: [Samples.Slot(1, 56)]));
        Apply(Samples.Message(seq: 3, slots: [Samples.Slot(1, 40)]));
        Apply(Samples.Message(seq: 4, slots: [Samples.Slot(1, 56)]));

        Assert.Empty(_state.Alerts);
    }

    [Fact]
    public void Over_temperature_clears_only_below_the_lower_threshold()
    {
        for (var seq = 1; seq <= 3; seq++)
        {
            Apply(Samples.Message(seq: seq, slots: [Samples.Slot(1, 60)]));
        }

        Apply(Samples.Message(seq: 4, slots: [Samples.Slot(1, 52)]));
        Assert.Single(_state.Alerts);

        var cleared = Apply(Samples.Message(seq: 5, slots: [Samples.Slot(1, 49)]));
        Assert.True(cleared.AlertsChanged);
        Assert.Empty(_state.Alerts);
    }

    [Fact]
    public void A_faulted_slot_raises_a_slot_fault_with_the_event_code_and_clears_when_repaired()
    {
        Apply(Samples.Message(seq: 1, slots: [Samples.Slot(2, 30, SlotStates.Fault)], events: [new StationEvent { Type = EventTypes.Fault, Slot = 2, Code = "OVERTEMP" }]));
        var alert = Assert.Single(_state.Alerts);
        Assert.Equal((AlertKinds.SlotFault, (int?)2, "OVERTEMP"), (alert.Kind, alert.Slot, alert.Code));

        Apply(Samples.Message(seq: 2, slots: [Samples.Slot(2, 30, SlotStates.Empty)]));
        Assert.Empty(_state.Alerts);
    }

    [Fact]
    public void Slot_counts_and_available_batteries_are_derived_from_the_latest_snapshot()
    {
        Apply(Samples.Message(slots:
        [
            new SlotReading { Slot = 1, State = SlotStates.Ready, BatteryId = "a", SocPct = 99 },
            new SlotReading { Slot = 2, State = SlotStates.Ready, BatteryId = "b", SocPct = 80 },
            new SlotReading { Slot = 3, State = SlotStates.Charging, BatteryId = "c", SocPct = 97 },
            new SlotReading { Slot = 4, State = SlotStates.Empty },
        ]));

        var view = StationModel.ToView("st-0042", _state, Samples.Now, _options);
        Assert.Equal(1, view.AvailableCharged);
        Assert.Equal(2, view.SlotCounts[SlotStates.Ready]);
        Assert.Equal(1, view.SlotCounts[SlotStates.Charging]);
        Assert.Equal(0, view.SlotCounts[SlotStates.Fault]);
    }

    [Fact]
    public void The_view_serves_the_latest_snapshots_slots_in_slot_order_whatever_order_they_were_sent_in()
    {
        Apply(Samples.Message(seq: 1, slots: [Samples.Slot(1, 30)]));
        Apply(Samples.Message(seq: 2, slots: [Samples.Slot(3, 31), Samples.Slot(1, 32), Samples.Slot(2, 33, SlotStates.Empty)]));

        var view = StationModel.ToView("st-0042", _state, Samples.Now, _options);
        Assert.Equal([1, 2, 3], view.Slots.Select(s => s.Slot));
        Assert.Equal([32.0, 33.0, 31.0], view.Slots.Select(s => s.TempC!.Value));
        Assert.Equal(1, view.SlotCounts[SlotStates.Empty]);
    }

    [Fact]
    public void A_station_silent_for_longer_than_offline_after_is_offline_with_an_offline_alert()
    {
        Apply(Samples.Message());

        var soon = StationModel.ToView("st-0042", _state, Samples.Now.AddSeconds(14), _options);
        var later = StationModel.ToView("st-0042", _state, Samples.Now.AddSeconds(16), _options);

        Assert.True(soon.Online);
        Assert.Empty(soon.Alerts);
        Assert.False(later.Online);
        Assert.Equal(AlertKinds.Offline, Assert.Single(later.Alerts).Kind);
    }
}
