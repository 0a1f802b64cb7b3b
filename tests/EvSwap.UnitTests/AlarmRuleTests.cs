using EvSwap.Contracts;
using EvSwap.Grains;
using Microsoft.Extensions.Time.Testing;

namespace EvSwap.UnitTests;

/// <summary>
/// The alarm rules driven message by message, every 5 s of a fake clock, around each threshold: a signal that flaps
/// must raise one alarm (and clear it once), never one per flap.
/// </summary>
public sealed class AlarmRuleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new(Samples.Now);
    private readonly StationState _state = new();
    private readonly StationOptions _station = new();
    private readonly AlarmRuleOptions _rules = new();
    private readonly List<AlarmTransition> _sent = [];
    private long _seq;

    private IReadOnlyList<AlarmTransition> Raised(string kind) => _sent.Where(t => t.Raise && t.Kind == kind).ToList();

    private IReadOnlyList<AlarmTransition> Cleared(string kind) => _sent.Where(t => !t.Raise && t.Kind == kind).ToList();

    /// <summary>One message at the fake clock's time, then the clock moves on one reporting interval.</summary>
    private void Report(params SlotReading[] slots) => Report(slots, null);

    private void Report(SlotReading[] slots, IReadOnlyList<StationEvent>? events)
    {
        var message = Samples.Message(seq: ++_seq, ts: _clock.GetUtcNow(), slots: slots, events: events);
        StationModel.Apply(_state, message, Samples.Json(message), _clock.GetUtcNow(), _station, _rules);
        _sent.AddRange(_state.AlarmRules.Outbox);
        _state.AlarmRules.Outbox.Clear();
        _clock.Advance(Interval);
    }

    private static SlotReading Ready(int slot, double tempC = 30, double soc = 99) =>
        new() { Slot = slot, State = SlotStates.Ready, BatteryId = "bat-" + slot, SocPct = soc, TempC = tempC };

    [Fact]
    public void Over_temperature_flapping_around_the_raise_threshold_raises_one_alarm_that_the_band_keeps_active()
    {
        for (var i = 0; i < 100; i++)
        {
            Report(Samples.Slot(1, i % 2 == 0 ? 56 : 54));
        }

        Assert.Empty(Raised(AlertKinds.OverTemperature));

        Report(Samples.Slot(1, 56));
        Report(Samples.Slot(1, 57));
        Report(Samples.Slot(1, 56));
        for (var i = 0; i < 100; i++)
        {
            Report(Samples.Slot(1, i % 2 == 0 ? 54 : 56));
        }

        var raised = Assert.Single(Raised(AlertKinds.OverTemperature));
        Assert.Equal((1, AlarmSeverities.Critical), (raised.Slot, raised.Severity));
        Assert.Empty(Cleared(AlertKinds.OverTemperature));
        Assert.Single(_state.Alerts, a => a.Kind == AlertKinds.OverTemperature);
    }

    [Fact]
    public void Over_temperature_flapping_around_the_clear_threshold_clears_once_it_stayed_cool_for_ClearAfter()
    {
        _rules.OverTemperature.ClearAfter = TimeSpan.FromSeconds(30);
        Report(Samples.Slot(1, 60));
        Report(Samples.Slot(1, 60));
        Report(Samples.Slot(1, 60));
        for (var i = 0; i < 100; i++)
        {
            Report(Samples.Slot(1, i % 2 == 0 ? 49 : 51));
        }

        Assert.Empty(Cleared(AlertKinds.OverTemperature));
        for (var i = 0; i < 7; i++)
        {
            Report(Samples.Slot(1, 45));
        }

        var cleared = Assert.Single(Cleared(AlertKinds.OverTemperature));
        Assert.Equal(Assert.Single(Raised(AlertKinds.OverTemperature)).AlarmId, cleared.AlarmId);
        Assert.Empty(_state.Alerts);
    }

    [Fact]
    public void Over_temperature_waits_for_the_minimum_duration_as_well_as_the_message_count()
    {
        _rules.OverTemperature.RaiseAfter = TimeSpan.FromSeconds(30);
        for (var i = 0; i < 6; i++)
        {
            Report(Samples.Slot(1, 58));
        }

        Assert.Empty(Raised(AlertKinds.OverTemperature));
        Report(Samples.Slot(1, 58));
        Assert.Single(Raised(AlertKinds.OverTemperature));
    }

    [Fact]
    public void A_slot_fault_that_comes_and_goes_is_one_alarm_with_its_code_cleared_after_a_quiet_minute()
    {
        var fault = new SlotReading { Slot = 2, State = SlotStates.Fault, BatteryId = "bat-2", SocPct = 40, TempC = 30 };
        Report([fault], [new StationEvent { Type = EventTypes.Fault, At = _clock.GetUtcNow(), Slot = 2, Code = "BMS_COMM" }]);
        for (var i = 0; i < 100; i++)
        {
            Report(i % 2 == 0 ? Ready(2) : fault);
        }

        var raised = Assert.Single(Raised(AlertKinds.SlotFault));
        Assert.Equal("BMS_COMM", raised.Code);
        Assert.Empty(Cleared(AlertKinds.SlotFault));

        for (var i = 0; i < 13; i++)
        {
            Report(Ready(2));
        }

        Assert.Single(Cleared(AlertKinds.SlotFault));
    }

    [Fact]
    public void A_slot_warming_much_faster_than_the_others_raises_rapid_rise_once_while_its_rate_hovers_at_the_limit()
    {
        // Four slots; slot 3 warms about 2 °C/min (1.9 and 2.1 in turn, around the limit), the others 0.1 °C/min.
        var temps = new double[] { 30, 30, 30, 30 };
        for (var minute = 0; minute < 10; minute++)
        {
            for (var i = 0; i < 12; i++)
            {
                Report([.. temps.Select((t, s) => Ready(s + 1, Math.Round(t, 3)))]);
                var slot3 = minute % 2 == 0 ? 2.1 : 1.9;
                temps = [.. temps.Select((t, s) => t + (s == 2 ? slot3 : 0.1) / 12)];
            }
        }

        var raised = Assert.Single(Raised(AlertKinds.RapidTemperatureRise));
        Assert.Equal(3, raised.Slot);
        Assert.Empty(Cleared(AlertKinds.RapidTemperatureRise));
    }

    [Fact]
    public void A_whole_cabinet_warming_together_is_not_a_rapid_rise()
    {
        var temp = 20.0;
        for (var i = 0; i < 120; i++)
        {
            Report(Ready(1, temp), Ready(2, temp + 1), Ready(3, temp - 1));
            temp += 3.0 / 12;
        }

        Assert.Empty(Raised(AlertKinds.RapidTemperatureRise));
    }

    [Fact]
    public void Low_availability_needs_the_shortage_for_the_whole_duration_and_flapping_keeps_one_alarm()
    {
        _rules.LowAvailability.RaiseAt = 2;
        _rules.LowAvailability.ClearAt = 2;
        SlotReading[] one = [Ready(1), Ready(2, soc: 50)];
        SlotReading[] two = [Ready(1), Ready(2)];

        // Two charged, then one, in turn for 20 minutes: never short for 10 minutes at a stretch.
        for (var i = 0; i < 240; i++)
        {
            Report(i % 2 == 0 ? one : two);
        }

        Assert.Empty(Raised(AlertKinds.LowAvailability));

        for (var i = 0; i <= 120; i++)
        {
            Report(one);
        }

        Assert.Single(Raised(AlertKinds.LowAvailability));
        for (var i = 0; i < 200; i++)
        {
            Report(i % 2 == 0 ? two : one);
        }

        Assert.Single(Raised(AlertKinds.LowAvailability));
        Assert.Empty(Cleared(AlertKinds.LowAvailability));
        Assert.Null(Assert.Single(Raised(AlertKinds.LowAvailability)).Slot);
    }

    [Fact]
    public void Alarm_ids_come_from_the_message_that_raised_them_so_a_replay_derives_the_same_ids()
    {
        for (var i = 0; i < 3; i++)
        {
            Report(Samples.Slot(4, 70));
        }

        Assert.Equal("st-0042.over-temperature.4.b7s3", Assert.Single(_sent).AlarmId);
        Assert.Equal("st-0042", AlarmIds.StationOf(_sent[0].AlarmId));
    }

    [Fact]
    public void A_slot_that_leaves_the_snapshot_clears_its_alarms()
    {
        for (var i = 0; i < 3; i++)
        {
            Report(Samples.Slot(1, 70), Samples.Slot(2, 30));
        }

        Report(Samples.Slot(2, 30));

        Assert.Single(Cleared(AlertKinds.OverTemperature));
        Assert.DoesNotContain(_state.Alerts, a => a.Slot == 1);
        Assert.DoesNotContain(AlarmEngine.Key(AlertKinds.OverTemperature, 1), _state.AlarmRules.Conditions.Keys);
    }

    [Fact]
    public void A_disabled_rule_raises_nothing()
    {
        _rules.OverTemperature.Enabled = false;
        for (var i = 0; i < 5; i++)
        {
            Report(Samples.Slot(1, 90));
        }

        Assert.Empty(_sent);
    }

    [Fact]
    public void Rule_options_that_cannot_work_are_refused_with_what_to_fix()
    {
        var options = new AlarmOptions();
        options.Rules.OverTemperature.ClearAt = 60;
        options.Rules.SlotFault.Severity = "loud";
        options.Rules.LowAvailability.RaiseAt = 0;
        options.Webhooks.Add(new EvSwap.Webhooks.WebhookOptions { Url = "ftp://x", Secret = "short", Kinds = ["fire"] });

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(e => e.ErrorMessage!).ToList();

        Assert.Contains(errors, e => e.StartsWith("Alarms:Rules:OverTemperature:ClearAt", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Alarms:Rules:SlotFault:Severity", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Alarms:Rules:LowAvailability:RaiseAt", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Alarms:Webhooks:0:Url", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Alarms:Webhooks:0:Secret", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Alarms:Webhooks:0:Kinds", StringComparison.Ordinal));
        Assert.Empty(new AlarmOptions().Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
    }
}
