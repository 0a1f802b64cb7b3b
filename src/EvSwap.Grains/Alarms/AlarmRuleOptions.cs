using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>The alarm rules a station's telemetry is checked against (<c>Alarms:Rules</c>).</summary>
public sealed class AlarmRuleOptions
{
    public static readonly AlarmRuleOptions Default = new();

    /// <summary>°C: raised at or above RaiseAt for MinMessages readings (and RaiseAfter), cleared below ClearAt.</summary>
    public AlarmRule OverTemperature { get; set; } = new() { Severity = AlarmSeverities.Critical, RaiseAt = 55, ClearAt = 50, MinMessages = 3 };

    /// <summary>
    /// °C per minute, measured over <see cref="RapidRiseWindow"/>: raised when a slot warms at RaiseAt or faster and at
    /// least <see cref="RapidRiseMarginCPerMinute"/> faster than the median of the station's other slots (a whole
    /// cabinet warming up in the sun is not thermal runaway); cleared below ClearAt.
    /// </summary>
    public AlarmRule RapidRise { get; set; } = new() { Severity = AlarmSeverities.Critical, RaiseAt = 2, ClearAt = 0.5, MinMessages = 1 };

    public TimeSpan RapidRiseWindow { get; set; } = TimeSpan.FromMinutes(1);

    public double RapidRiseMarginCPerMinute { get; set; } = 1.5;

    /// <summary>A slot in state <c>fault</c>; thresholds unused. ClearAfter keeps a fault that comes and goes one alarm.</summary>
    public AlarmRule SlotFault { get; set; } = new() { Severity = AlarmSeverities.Major, ClearAfter = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// Expected intervals without a message (RaiseAt x <see cref="ExpectedInterval"/>, plus RaiseAfter); checked by
    /// the alarm shards every Alarms:SweepInterval from the fleet index, so a station whose grain is idle is seen too.
    /// </summary>
    public AlarmRule Offline { get; set; } = new() { Severity = AlarmSeverities.Major, RaiseAt = 3 };

    public TimeSpan ExpectedInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Charged batteries (ready, at or above Station:ChargedSocPct): raised below RaiseAt, cleared at ClearAt or more.</summary>
    public AlarmRule LowAvailability { get; set; } = new() { Severity = AlarmSeverities.Minor, RaiseAt = 1, ClearAt = 1, RaiseAfter = TimeSpan.FromMinutes(10), ClearAfter = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// A battery's state of health in %, from the battery ledger: raised below RaiseAt for MinMessages health readings,
    /// cleared at ClearAt or above (a recalibrated BMS). The default is the usual end of a battery's first life.
    /// </summary>
    public AlarmRule BatterySohLow { get; set; } = new() { Severity = AlarmSeverities.Major, RaiseAt = 70, ClearAt = 72, MinMessages = 2 };

    /// <summary>
    /// Points of state of health lost per 30 days, over the battery's daily minimums of the last
    /// <see cref="BatterySohFallWindow"/>: raised at RaiseAt or faster, cleared below ClearAt. Judged only once the
    /// days span <see cref="BatterySohFallMinSpan"/>, so one bad day's reading is not a trend.
    /// </summary>
    public AlarmRule BatterySohFalling { get; set; } = new() { Severity = AlarmSeverities.Minor, RaiseAt = 2, ClearAt = 1, MinMessages = 1 };

    public TimeSpan BatterySohFallWindow { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan BatterySohFallMinSpan { get; set; } = TimeSpan.FromDays(7);

    public IEnumerable<string> Validate()
    {
        foreach (var error in OverTemperature.Validate(nameof(OverTemperature))
            .Concat(RapidRise.Validate(nameof(RapidRise)))
            .Concat(SlotFault.Validate(nameof(SlotFault)))
            .Concat(Offline.Validate(nameof(Offline)))
            .Concat(LowAvailability.Validate(nameof(LowAvailability)))
            .Concat(BatterySohLow.Validate(nameof(BatterySohLow)))
            .Concat(BatterySohFalling.Validate(nameof(BatterySohFalling))))
        {
            yield return error;
        }

        if (OverTemperature.ClearAt > OverTemperature.RaiseAt)
        {
            yield return $"Alarms:Rules:OverTemperature:ClearAt ({OverTemperature.ClearAt}) must not be above its RaiseAt ({OverTemperature.RaiseAt}).";
        }

        if (RapidRise.RaiseAt <= 0 || RapidRise.ClearAt > RapidRise.RaiseAt)
        {
            yield return $"Alarms:Rules:RapidRise:RaiseAt must be positive and ClearAt not above it (are {RapidRise.RaiseAt} and {RapidRise.ClearAt} °C/min).";
        }

        if (RapidRiseWindow < TimeSpan.FromSeconds(1) || RapidRiseMarginCPerMinute < 0)
        {
            yield return $"Alarms:Rules:RapidRiseWindow must be at least 00:00:01 and Alarms:Rules:RapidRiseMarginCPerMinute not negative (are {RapidRiseWindow} and {RapidRiseMarginCPerMinute}).";
        }

        if (Offline.RaiseAt < 1 || ExpectedInterval <= TimeSpan.Zero)
        {
            yield return $"Alarms:Rules:Offline:RaiseAt must be at least 1 interval and Alarms:Rules:ExpectedInterval positive (are {Offline.RaiseAt} and {ExpectedInterval}).";
        }

        if (LowAvailability.RaiseAt < 1 || LowAvailability.ClearAt < LowAvailability.RaiseAt)
        {
            yield return $"Alarms:Rules:LowAvailability:RaiseAt must be at least 1 battery and ClearAt not below it (are {LowAvailability.RaiseAt} and {LowAvailability.ClearAt}).";
        }

        foreach (var error in ValidateBatteryRules())
        {
            yield return error;
        }
    }

    private IEnumerable<string> ValidateBatteryRules()
    {
        if (BatterySohLow.RaiseAt is <= 0 or > 100 || BatterySohLow.ClearAt < BatterySohLow.RaiseAt || BatterySohLow.ClearAt > 100)
        {
            yield return $"Alarms:Rules:BatterySohLow:RaiseAt must be a state of health in % (0-100] and ClearAt not below it nor above 100 (are {BatterySohLow.RaiseAt} and {BatterySohLow.ClearAt}).";
        }

        if (BatterySohFalling.RaiseAt <= 0 || BatterySohFalling.ClearAt > BatterySohFalling.RaiseAt)
        {
            yield return $"Alarms:Rules:BatterySohFalling:RaiseAt (points per 30 days) must be positive and ClearAt not above it (are {BatterySohFalling.RaiseAt} and {BatterySohFalling.ClearAt}).";
        }

        if (BatterySohFallMinSpan < TimeSpan.FromDays(1) || BatterySohFallWindow < BatterySohFallMinSpan)
        {
            yield return $"Alarms:Rules:BatterySohFallMinSpan must be at least 1.00:00:00 and Alarms:Rules:BatterySohFallWindow not shorter (are {BatterySohFallMinSpan} and {BatterySohFallWindow}).";
        }
    }

    public TimeSpan OfflineAfter => ExpectedInterval * Offline.RaiseAt + Offline.RaiseAfter;
}
