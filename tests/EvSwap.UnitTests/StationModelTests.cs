using EvSwap.Contracts;
using EvSwap.Grains;

namespace EvSwap.UnitTests;

public class StationModelTests
{
    private readonly StationOptions _options = new() { OfflineAfter = TimeSpan.FromSeconds(15) };
    private readonly StationState _state = new();

    private ApplyResult Apply(TelemetryMessage m) =>
        StationModel.Apply(_state, m, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(m, TelemetryJsonContext.Default.TelemetryMessage), Samples.Now, _options);

    /// <summary>What the station grain does with a message, without the I/O: classify, then apply only what is new.</summary>
    private Delivery Ingest(TelemetryMessage m)
    {
        var delivery = StationModel.Classify(_state, m.Boot, m.Seq, _options);
        if (delivery == Delivery.New)
        {
            Apply(m);
        }

        return delivery;
    }

    [Fact]
    public void A_redelivered_message_is_seen_and_its_swap_is_counted_once()
    {
        Assert.Equal(Delivery.New, Ingest(Samples.Message(seq: 5, events: [Samples.Swap()])));
        Assert.Equal(Delivery.Applied, Ingest(Samples.Message(seq: 5, events: [Samples.Swap()])));

        Assert.Equal((1L, 1L), (_state.Messages, _state.SwapsTotal));
    }

    [Fact]
    public void A_late_message_is_counted_with_its_swap_and_the_live_view_stays_on_the_newest()
    {
        Ingest(Samples.Message(seq: 1));
        Ingest(Samples.Message(seq: 3, slots: [Samples.Slot(1, 30)]));
        var late = Samples.Message(seq: 2, slots: [Samples.Slot(1, 70)], events: [Samples.Swap()]);

        Assert.Equal(Delivery.New, StationModel.Classify(_state, 7, 2, _options));
        var result = Apply(late);

        Assert.True(result.Late);
        Assert.Equal(1, result.Swaps);
        Assert.Equal((3L, 1L, 1L, 1L), (_state.Messages, _state.Late, _state.SwapsTotal, _state.SwapsToday));
        Assert.Equal((7L, 3L), (_state.Boot, _state.Seq));
        Assert.Equal(30, Assert.Single(StationModel.LatestSlots(_state)).TempC);
        Assert.Equal(Delivery.Applied, StationModel.Classify(_state, 7, 2, _options));
    }

    [Fact]
    public void A_late_message_does_not_feed_the_consecutive_hot_readings_of_the_newest()
    {
        Ingest(Samples.Message(seq: 10, slots: [Samples.Slot(1, 56)]));
        Ingest(Samples.Message(seq: 11, slots: [Samples.Slot(1, 56)]));
        Ingest(Samples.Message(seq: 5, slots: [Samples.Slot(1, 56)]));

        Assert.Empty(_state.Alerts);
    }

    [Fact]
    public void A_reboot_with_a_higher_boot_and_seq_from_zero_is_accepted()
    {
        Ingest(Samples.Message(boot: 7, seq: 18231));

        Assert.Equal(Delivery.New, Ingest(Samples.Message(boot: 8, seq: 0)));
        Assert.Equal((8L, 0L), (_state.Boot, _state.Seq));
        Assert.Equal(2, _state.Messages);
    }

    [Fact]
    public void A_late_message_of_the_previous_boot_is_counted_once_and_does_not_roll_the_boot_back()
    {
        Ingest(Samples.Message(boot: 7, seq: 40));
        Ingest(Samples.Message(boot: 8, seq: 0));

        Assert.Equal(Delivery.New, Ingest(Samples.Message(boot: 7, seq: 41, events: [Samples.Swap()])));
        Assert.Equal(Delivery.Applied, Ingest(Samples.Message(boot: 7, seq: 41, events: [Samples.Swap()])));
        Assert.Equal((8L, 0L, 1L, 1L), (_state.Boot, _state.Seq, _state.SwapsTotal, _state.Late));
    }

    [Fact]
    public void A_message_further_behind_than_the_window_is_outside_it_and_not_applied()
    {
        var options = new StationOptions { DeliveryWindow = 100 };
        StationModel.Apply(_state, Samples.Message(seq: 1000), Samples.Json(Samples.Message(seq: 1000)), Samples.Now, options);

        Assert.Equal(Delivery.New, StationModel.Classify(_state, 7, 901, options));
        Assert.Equal(Delivery.OutsideWindow, StationModel.Classify(_state, 7, 900, options));
    }

    [Fact]
    public void A_message_of_a_boot_older_than_the_boots_kept_is_outside_the_window()
    {
        var options = new StationOptions { DeliveryBoots = 2 };
        foreach (var boot in new long[] { 3, 4, 5 })
        {
            StationModel.Apply(_state, Samples.Message(boot: boot, seq: 1), Samples.Json(Samples.Message(boot: boot, seq: 1)), Samples.Now, options);
        }

        Assert.Equal(Delivery.OutsideWindow, StationModel.Classify(_state, 3, 2, options));
        Assert.Equal(Delivery.OutsideWindow, StationModel.Classify(_state, 2, 1, options));
        Assert.Equal(Delivery.New, StationModel.Classify(_state, 4, 2, options));
    }

    [Fact]
    public void What_was_archived_is_archived_and_what_was_only_applied_is_applied()
    {
        foreach (var seq in new long[] { 1, 2, 3, 4 })
        {
            Ingest(Samples.Message(seq: seq));
        }

        _state.Delivery.MarkArchived(7, new SeqRange(1, 2), _options);

        Assert.Equal([Delivery.Archived, Delivery.Archived, Delivery.Applied, Delivery.Applied, Delivery.New],
            new long[] { 1, 2, 3, 4, 5 }.Select(seq => StationModel.Classify(_state, 7, seq, _options)));
    }

    [Fact]
    public void A_station_that_skips_numbers_keeps_a_bounded_log()
    {
        var options = new StationOptions { DeliveryMaxRanges = 8 };
        for (var seq = 0; seq < 1000; seq += 2)
        {
            StationModel.Apply(_state, Samples.Message(seq: seq), Samples.Json(Samples.Message(seq: seq)), Samples.Now, options);
        }

        var boot = Assert.Single(_state.Delivery.Boots);
        Assert.True(boot.Applied.Ranges.Count <= 8, $"{boot.Applied.Ranges.Count} ranges");
        Assert.Equal(Delivery.Applied, StationModel.Classify(_state, 7, 998, options));
        Assert.Equal(Delivery.New, StationModel.Classify(_state, 7, 997, options));
        Assert.Equal(Delivery.OutsideWindow, StationModel.Classify(_state, 7, 3, options));
    }

    [Fact]
    public void A_late_swap_of_an_earlier_day_counts_in_the_total_but_not_today()
    {
        Ingest(Samples.Message(seq: 10, ts: Samples.Now));
        Ingest(Samples.Message(seq: 9, ts: Samples.Now.AddDays(-1), events: [Samples.Swap()]));

        Assert.Equal((1L, 0L), (_state.SwapsTotal, _state.SwapsToday));
    }

    [Fact]
    public void Swaps_and_faults_are_counted_and_make_the_change_significant()
    {
        // The first snapshot docks its batteries (a custody change); the same snapshot again changes nothing.
        var first = Apply(Samples.Message(seq: 1));
        var plain = Apply(Samples.Message(seq: 2));
        var swap = Apply(Samples.Message(seq: 3, events: [Samples.Swap(), Samples.Swap(2, 1)]));
        var fault = Apply(Samples.Message(seq: 4, events: [new StationEvent { Type = EventTypes.Fault, Slot = 2, Code = "OVERTEMP" }]));

        Assert.True(first.IsSignificant);
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
    public void A_faulted_slot_raises_a_slot_fault_with_the_event_code_and_clears_once_repaired_for_the_clear_delay()
    {
        Apply(Samples.Message(seq: 1, slots: [Samples.Slot(2, 30, SlotStates.Fault)], events: [new StationEvent { Type = EventTypes.Fault, Slot = 2, Code = "OVERTEMP" }]));
        var alert = Assert.Single(_state.Alerts);
        Assert.Equal((AlertKinds.SlotFault, (int?)2, "OVERTEMP"), (alert.Kind, alert.Slot, alert.Code));

        Apply(Samples.Message(seq: 2, slots: [Samples.Slot(2, 30, SlotStates.Empty)]));
        Assert.Single(_state.Alerts);
        Apply(Samples.Message(seq: 3, ts: Samples.Now + AlarmRuleOptions.Default.SlotFault.ClearAfter, slots: [Samples.Slot(2, 30, SlotStates.Empty)]));
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
