namespace EvSwap.Grains;

/// <summary>A slot's temperature at the start of its current rise-rate window, and the rate its last window measured.</summary>
[GenerateSerializer]
public sealed class TemperatureSample
{
    [Id(0)] public DateTimeOffset At { get; set; }

    [Id(1)] public double TempC { get; set; }

    /// <summary>°C per minute over the last completed window; null before the first one completes.</summary>
    [Id(2)] public double? RatePerMinute { get; set; }
}
