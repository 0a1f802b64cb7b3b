using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>What a battery grain stores. Every list is bounded by <see cref="BatteryOptions"/>; see docs/batteries.md.</summary>
[GenerateSerializer]
public sealed class BatteryState
{
    /// <summary>Custody changes and readings, in station-time order; the oldest are folded into <see cref="Base"/> past the limit.</summary>
    [Id(0)] public List<BatteryHistoryEntry> History { get; set; } = [];

    /// <summary>Custody before the first kept history entry, and time in each status up to it.</summary>
    [Id(1)] public BatteryCustody? Base { get; set; }
    [Id(2)] public Dictionary<string, double> BaseSeconds { get; set; } = [];
    [Id(3)] public long Trimmed { get; set; }

    /// <summary>Current custody and closed time in each status, from folding <see cref="History"/> over <see cref="Base"/>.</summary>
    [Id(4)] public BatteryCustody? Custody { get; set; }
    [Id(5)] public Dictionary<string, double> Seconds { get; set; } = [];

    [Id(6)] public BatteryReading? Latest { get; set; }
    [Id(7)] public double? PeakTempC { get; set; }
    [Id(8)] public DateTimeOffset? PeakTempAt { get; set; }
    [Id(9)] public List<SohDay> SohPerDay { get; set; } = [];
    [Id(10)] public Dictionary<string, BatteryAnomaly> Anomalies { get; set; } = [];

    /// <summary>Times of the most recent over-temperature readings (at most <see cref="BatteryOptions.OverTemperatureRepeats"/>).</summary>
    [Id(11)] public List<DateTimeOffset> OverTemps { get; set; } = [];
    [Id(12)] public int OverTemperatureReadings { get; set; }
    [Id(13)] public int? MaxCycles { get; set; }
    [Id(14)] public DateTimeOffset MaxCyclesAt { get; set; }

    /// <summary>Which events were applied, per station: what makes a redelivered event harmless.</summary>
    [Id(15)] public Dictionary<string, AppliedMarks> Applied { get; set; } = [];
    [Id(16)] public long EventsApplied { get; set; }

    /// <summary>Where this battery counts in the fleet statistics, and its bucket's median when last asked.</summary>
    [Id(17)] public SohBin? Bin { get; set; }
    [Id(18)] public double? FleetMedianSoh { get; set; }
    [Id(19)] public DateTimeOffset FleetMedianAt { get; set; }

    /// <summary>The first time in service (the first event's station time).</summary>
    [Id(20)] public DateTimeOffset? FirstSeen { get; set; }

    /// <summary>The battery's health alarm rules and the transitions its alarm shards have not yet accepted; null until a rule needs it.</summary>
    [Id(21)] public AlarmRuleState? Alarms { get; set; }

    public bool Known => EventsApplied > 0;
}
