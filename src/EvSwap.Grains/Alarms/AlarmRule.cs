using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// One rule's thresholds, durations and hysteresis (<c>Alarms:Rules:{Kind}</c>). What RaiseAt and ClearAt measure
/// depends on the kind (°C, °C per minute, charged batteries, expected intervals); the gap between them is the
/// hysteresis, so a value hovering at one threshold neither raises nor clears over and over.
/// </summary>
public sealed class AlarmRule
{
    public bool Enabled { get; set; } = true;

    public string Severity { get; set; } = AlarmSeverities.Major;

    public double RaiseAt { get; set; }

    public double ClearAt { get; set; }

    /// <summary>The condition must hold this long (station time, first to latest reading) before the alarm is raised.</summary>
    public TimeSpan RaiseAfter { get; set; }

    /// <summary>The clear condition must hold this long before the alarm clears; a relapse in between keeps it active.</summary>
    public TimeSpan ClearAfter { get; set; }

    /// <summary>...and for at least this many consecutive readings.</summary>
    public int MinMessages { get; set; } = 1;

    internal IEnumerable<string> Validate(string name)
    {
        var key = $"Alarms:Rules:{name}";
        if (!AlarmSeverities.IsValid(Severity))
        {
            yield return $"{key}:Severity must be one of {string.Join(", ", AlarmSeverities.All)} (is '{Severity}').";
        }

        if (RaiseAfter < TimeSpan.Zero || ClearAfter < TimeSpan.Zero)
        {
            yield return $"{key}:RaiseAfter and {key}:ClearAfter must not be negative (are {RaiseAfter} and {ClearAfter}).";
        }

        if (MinMessages < 1)
        {
            yield return $"{key}:MinMessages must be at least 1 (is {MinMessages}).";
        }
    }
}
