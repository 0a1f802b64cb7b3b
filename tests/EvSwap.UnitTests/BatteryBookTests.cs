using EvSwap.Contracts;
using EvSwap.Grains;
using Microsoft.Extensions.Time.Testing;

namespace EvSwap.UnitTests;

/// <summary>A battery's custody chain, health and anomalies, on a fake clock.</summary>
public class BatteryBookTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);
    private readonly BatteryState _state = new();
    private readonly BatteryOptions _options = new();
    private readonly FakeTimeProvider _clock = new(T0);
    private long _seq;

    private BatteryEvent Event(string kind, string station, int? slot, DateTimeOffset at, double? soh = null, int? cycles = null, double? temp = null, long? seq = null) =>
        new("bat-x", station, 1, seq ?? ++_seq, 0, kind, at, slot, 50, soh, cycles, temp);

    private BatteryView View() => BatteryBook.ToView("bat-x", _state, _clock.GetUtcNow(), _options);

    [Fact]
    public void The_custody_chain_follows_a_battery_from_a_slot_to_a_rider_to_another_station_and_times_each_state()
    {
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Docked, "st-a", 1, T0)], _options);
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.SwappedOut, "st-a", 1, T0.AddHours(1))], _options);
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Docked, "st-b", 4, T0.AddHours(3))], _options);
        _clock.SetUtcNow(T0.AddHours(4));

        var view = View();
        Assert.Equal(new BatteryCustody(BatteryStatuses.InStation, "st-b", 4, T0.AddHours(3)), view.Custody);
        Assert.Equal(7200, view.SecondsInState[BatteryStatuses.InStation]);
        Assert.Equal(7200, view.SecondsInState[BatteryStatuses.WithRider]);
    }

    [Fact]
    public void Redelivered_events_are_applied_once()
    {
        IReadOnlyList<BatteryEvent> events = [Event(BatteryEventKinds.Docked, "st-a", 1, T0, temp: 70), Event(BatteryEventKinds.Reading, "st-a", 1, T0.AddHours(1), temp: 71)];
        Assert.Equal(2, BatteryBook.Apply(_state, events, _options));
        Assert.Equal(0, BatteryBook.Apply(_state, events, _options));
        Assert.Equal(0, BatteryBook.Apply(_state, [events[1]], _options));

        Assert.Equal(2, _state.EventsApplied);
        Assert.Equal(2, _state.OverTemperatureReadings);
        Assert.Equal(2, _state.History.Count);
    }

    [Fact]
    public void A_late_event_takes_its_place_in_station_time_and_does_not_overwrite_the_present()
    {
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Docked, "st-b", 4, T0.AddHours(3), seq: 30)], _options);
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.SwappedOut, "st-a", 1, T0.AddHours(1), seq: 10)], _options);
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Docked, "st-a", 1, T0, seq: 5)], _options);
        _clock.SetUtcNow(T0.AddHours(4));

        var view = View();
        Assert.Equal(("st-b", BatteryStatuses.InStation), (view.Custody.StationId, view.Custody.Status));
        Assert.Equal(["st-a", "st-a", "st-b"], _state.History.Select(h => h.StationId));
        Assert.Equal(7200, view.SecondsInState[BatteryStatuses.WithRider]);
    }

    [Fact]
    public void A_battery_with_a_rider_longer_than_lost_after_is_possibly_lost()
    {
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.SwappedOut, "st-a", 1, T0)], _options);

        _clock.SetUtcNow(T0.AddDays(_options.LostAfter).AddMinutes(-1));
        Assert.DoesNotContain(View().Anomalies, a => a.Kind == BatteryAnomalyKinds.PossiblyLost);

        _clock.SetUtcNow(T0.AddDays(_options.LostAfter).AddMinutes(1));
        var lost = Assert.Single(View().Anomalies);
        Assert.Equal(BatteryAnomalyKinds.PossiblyLost, lost.Kind);
        Assert.Contains("st-a", lost.Reason);
    }

    [Fact]
    public void Cycles_going_backwards_is_an_anomaly_but_a_late_older_reading_with_fewer_cycles_is_not()
    {
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Docked, "st-a", 1, T0, cycles: 500)], _options);
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Reading, "st-a", 1, T0.AddHours(-2), cycles: 498)], _options);
        Assert.Empty(_state.Anomalies);

        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Reading, "st-a", 1, T0.AddHours(2), cycles: 3)], _options);
        var anomaly = Assert.Single(_state.Anomalies.Values);
        Assert.Equal(BatteryAnomalyKinds.CyclesBackwards, anomaly.Kind);
        Assert.Contains("from 500", anomaly.Reason);
    }

    [Fact]
    public void Over_temperature_is_an_anomaly_when_repeated_within_the_window()
    {
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Docked, "st-a", 1, T0, temp: 61), Event(BatteryEventKinds.Reading, "st-a", 1, T0.AddHours(5), temp: 62)], _options);
        Assert.Empty(_state.Anomalies);

        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Reading, "st-a", 1, T0.AddHours(30), temp: 63)], _options);
        Assert.Empty(_state.Anomalies);

        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Reading, "st-a", 1, T0.AddHours(31), temp: 64), Event(BatteryEventKinds.Reading, "st-a", 1, T0.AddHours(32), temp: 64)], _options);
        Assert.Equal(BatteryAnomalyKinds.OverTemperature, Assert.Single(_state.Anomalies.Values).Kind);
        Assert.Equal((64.0, T0.AddHours(31)), (_state.PeakTempC!.Value, _state.PeakTempAt!.Value));
    }

    [Fact]
    public void A_reading_from_another_slot_while_the_chain_has_the_battery_in_one_is_two_places_at_once()
    {
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Docked, "st-a", 1, T0)], _options);
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Docked, "st-b", 2, T0.AddMinutes(10))], _options);
        Assert.Empty(_state.Anomalies);

        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Reading, "st-a", 1, T0.AddMinutes(20))], _options);
        var anomaly = Assert.Single(_state.Anomalies.Values);
        Assert.Equal(BatteryAnomalyKinds.TwoPlaces, anomaly.Kind);
        Assert.Contains("st-a slot 1", anomaly.Reason);
        Assert.Contains("st-b slot 2", anomaly.Reason);
    }

    [Fact]
    public void State_of_health_below_the_fleet_median_by_more_than_the_margin_is_fast_fade_and_clears_when_back()
    {
        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Docked, "st-a", 1, T0, soh: 88, cycles: 400)], _options);
        _state.FleetMedianSoh = 95;
        BatteryBook.EvaluateFade(_state, _options);
        Assert.Equal(BatteryAnomalyKinds.SohFastFade, Assert.Single(_state.Anomalies.Values).Kind);

        BatteryBook.Apply(_state, [Event(BatteryEventKinds.Reading, "st-a", 1, T0.AddHours(2), soh: 91, cycles: 401)], _options);
        Assert.Empty(_state.Anomalies);
    }

    [Fact]
    public void The_fleet_median_is_the_bin_of_the_middle_battery_and_absent_below_the_minimum()
    {
        var counts = new int[201];
        counts[SohBin.Of(400, 95.2, 100).Bin] = 6;
        counts[SohBin.Of(400, 80, 100).Bin] = 5;
        Assert.Equal(95.25, BatteryFleetStatsGrain.Median(counts, 10));
        Assert.Null(BatteryFleetStatsGrain.Median(counts, 12));
    }

    [Fact]
    public void History_pages_cover_every_entry_once_and_trimming_keeps_the_time_in_each_state()
    {
        var small = new BatteryOptions { HistoryLimit = 10 };
        var trimmed = new BatteryState();
        for (var i = 0; i < 30; i++)
        {
            var e = Event(i % 2 == 0 ? BatteryEventKinds.Docked : BatteryEventKinds.SwappedOut, "st-" + (i % 3), 1, T0.AddHours(i));
            BatteryBook.Apply(_state, [e], _options);
            BatteryBook.Apply(trimmed, [e], small);
        }

        _clock.SetUtcNow(T0.AddHours(40));
        Assert.Equal(20, trimmed.Trimmed);
        Assert.Equal(View().SecondsInState, BatteryBook.ToView("bat-x", trimmed, _clock.GetUtcNow(), small).SecondsInState);

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = BatteryBook.History(_state, after, 7);
            seen.AddRange(page.Items.Select(i => i.EventId));
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(_state.History.Select(h => h.EventId), seen);
    }
}
