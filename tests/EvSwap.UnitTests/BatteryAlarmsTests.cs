using EvSwap.Contracts;
using EvSwap.Grains;

namespace EvSwap.UnitTests;

/// <summary>The battery health alarm rules, on readings a battery grain applies (station time, no real clock).</summary>
public class BatteryAlarmsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 9, 1, 6, 0, 0, TimeSpan.Zero);
    private readonly BatteryState _state = new();
    private readonly BatteryOptions _options = new();
    private readonly AlarmRuleOptions _rules = new() { BatterySohFalling = new() { Enabled = false, RaiseAt = 2, ClearAt = 1 } };
    private long _seq;

    /// <summary>Applies one health reading as the battery grain does and judges the rules on it.</summary>
    private List<AlarmTransition> Reading(double soh, DateTimeOffset at, string station = "st-a", int slot = 3)
    {
        var before = _state.Alarms?.Outbox.Count ?? 0;
        BatteryBook.Apply(_state, [Event(soh, at, station, slot)], _options, Judge);
        return _state.Alarms?.Outbox.Skip(before).ToList() ?? [];
    }

    [Fact]
    public void A_state_of_health_below_the_threshold_raises_one_alarm_after_two_readings_naming_the_battery_and_its_station()
    {
        Assert.Empty(Reading(69, T0));
        var raised = Assert.Single(Reading(68.5, T0.AddHours(2)));
        Assert.Empty(Reading(68, T0.AddHours(4)));

        Assert.True(raised.Raise);
        Assert.Equal((AlertKinds.BatterySohLow, "bat-7", "st-a", 3), (raised.Kind, raised.BatteryId, raised.StationId, raised.Slot));
        Assert.Equal("st-a", AlarmIds.StationOf(raised.AlarmId));
        Assert.Contains("68.5 %", raised.Message, StringComparison.Ordinal);
    }

    private BatteryEvent Event(double soh, DateTimeOffset at, string station = "st-a", int slot = 3) =>
        new("bat-7", station, 1, ++_seq, BatteryEventKinds.SlotIndexBase + slot, BatteryEventKinds.Reading, at, slot, 90, soh, 900, 25);

    private void Judge() => BatteryAlarms.Evaluate("bat-7", _state, _rules);

    [Fact]
    public void Two_readings_handed_over_in_one_call_count_as_two_and_their_repeat_as_none()
    {
        IReadOnlyList<BatteryEvent> both = [Event(66, T0), Event(65, T0.AddHours(2))];

        BatteryBook.Apply(_state, both, _options, Judge);
        BatteryBook.Apply(_state, both, _options, Judge);

        var raised = Assert.Single(_state.Alarms!.Outbox);
        Assert.Equal(T0.AddHours(2), raised.At);
    }

    [Fact]
    public void A_late_reading_older_than_the_latest_is_not_judged()
    {
        Reading(65, T0.AddHours(4));
        Assert.Empty(Reading(64, T0));
        Assert.Empty(_state.Alarms!.Outbox);
    }

    [Fact]
    public void A_state_of_health_hovering_at_the_threshold_raises_once_and_clears_only_above_the_hysteresis()
    {
        var transitions = new List<AlarmTransition>();
        var soh = new[] { 69.9, 70.1, 69.9, 69.8, 70.2, 69.9, 70.1, 71.9, 69.9 };
        for (var i = 0; i < soh.Length; i++)
        {
            transitions.AddRange(Reading(soh[i], T0.AddHours(2 * i)));
        }

        Assert.Single(transitions);
        Assert.True(transitions[0].Raise);

        var cleared = Assert.Single(Reading(72.5, T0.AddDays(2)));
        Assert.False(cleared.Raise);
        Assert.Equal(transitions[0].AlarmId, cleared.AlarmId);
    }

    [Fact]
    public void A_clear_goes_to_the_alarm_of_the_station_where_it_was_raised_after_the_battery_moved()
    {
        Reading(65, T0, station: "st-a");
        var raised = Assert.Single(Reading(65, T0.AddHours(2), station: "st-a"));

        var cleared = Assert.Single(Reading(75, T0.AddDays(3), station: "st-b", slot: 9));

        Assert.Equal(raised.AlarmId, cleared.AlarmId);
        Assert.Equal("st-a", cleared.StationId);
    }

    [Fact]
    public void A_healthy_battery_carries_no_alarm_state()
    {
        Reading(95, T0);
        Reading(94.9, T0.AddDays(1));

        Assert.Null(_state.Alarms);
    }

    [Fact]
    public void Falling_three_points_a_month_raises_the_falling_alarm_once_its_days_span_a_week()
    {
        _rules.BatterySohFalling.Enabled = true;
        _rules.BatterySohLow.Enabled = false;
        var transitions = new List<AlarmTransition>();
        for (var day = 0; day < 20; day++)
        {
            var found = Reading(90 - (0.1 * day), T0.AddDays(day));
            if (found.Count > 0)
            {
                transitions.AddRange(found);
                Assert.True(day >= 7, $"judged after only {day} days");
            }
        }

        var raised = Assert.Single(transitions);
        Assert.Equal(AlertKinds.BatterySohFalling, raised.Kind);
        Assert.Equal(3, BatteryAlarms.FallPer30Days(_state.SohPerDay, _rules)!.Value, precision: 6);
    }

    [Fact]
    public void One_low_day_in_a_flat_month_does_not_make_a_falling_trend()
    {
        var days = Enumerable.Range(0, 30).Select(d => new SohDay(DateOnly.FromDateTime(T0.UtcDateTime).AddDays(d), d == 15 ? 88 : 90)).ToList();

        var fall = BatteryAlarms.FallPer30Days(days, _rules)!.Value;

        Assert.InRange(fall, -_rules.BatterySohFalling.ClearAt, _rules.BatterySohFalling.ClearAt);
    }

    [Fact]
    public void The_falling_rate_uses_only_the_window_before_the_newest_day()
    {
        var start = DateOnly.FromDateTime(T0.UtcDateTime);
        // Fell fast long ago, flat for the last 30 days.
        List<SohDay> days = [new(start, 99), new(start.AddDays(10), 91), .. Enumerable.Range(0, 31).Select(d => new SohDay(start.AddDays(40 + d), 90))];

        Assert.Equal(0, BatteryAlarms.FallPer30Days(days, _rules)!.Value, precision: 6);
        Assert.Null(BatteryAlarms.FallPer30Days([new(start, 90), new(start.AddDays(3), 85)], _rules));
    }

    [Fact]
    public void Battery_rules_with_a_clear_below_the_raise_are_refused_at_startup_with_what_to_fix()
    {
        var rules = new AlarmRuleOptions { BatterySohLow = new() { RaiseAt = 70, ClearAt = 60 } };

        var error = Assert.Single(rules.Validate());

        Assert.Contains("Alarms:Rules:BatterySohLow", error, StringComparison.Ordinal);
    }
}
