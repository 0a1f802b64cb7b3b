using System.ComponentModel.DataAnnotations;

namespace EvSwap.Grains;

/// <summary>Battery custody and health (<c>Ledger:Batteries</c>): how often stations report health, what counts as an anomaly, bounds.</summary>
public sealed class BatteryOptions : IValidatableObject
{
    public const string Section = "Ledger:Batteries";

    public static readonly BatteryOptions Default = new();

    /// <summary>A station sends a battery that stays in its slot a health reading at most this often (station time).</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromHours(2);

    /// <summary>With a rider longer than this many days: possibly lost.</summary>
    public double LostAfter { get; set; } = 7;

    /// <summary>A reading at or above this temperature is an over-temperature reading; a station reports a battery's
    /// crossing of it at once instead of waiting for the next health reading.</summary>
    public double OverTemperatureC { get; set; } = 60;

    /// <summary>This many over-temperature readings within <see cref="OverTemperatureWindow"/> make the anomaly.</summary>
    public int OverTemperatureRepeats { get; set; } = 3;

    public TimeSpan OverTemperatureWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A state of health this many points below its cycles bucket's fleet median is fading too fast.</summary>
    public double SohBelowFleetMedianPct { get; set; } = 5;

    /// <summary>Cycles per bucket of the fleet statistics.</summary>
    public int CyclesBucket { get; set; } = 100;

    /// <summary>A bucket's median is compared with only once it counts this many batteries.</summary>
    public int MinBucketBatteries { get; set; } = 10;

    /// <summary>History entries kept per battery (older ones are folded into the time-in-state totals).</summary>
    public int HistoryLimit { get; set; } = 1000;

    /// <summary>Days of state-of-health-per-day kept per battery.</summary>
    public int SohDays { get; set; } = 730;

    /// <summary>Applied event ids remembered per station and battery, and stations remembered per battery, to recognise a repeat.</summary>
    public int RememberedEventsPerStation { get; set; } = 64;

    public int RememberedStations { get; set; } = 16;

    /// <summary>Unconfirmed battery events a station holds before it refuses messages that change custody.</summary>
    public int MaxPendingPerStation { get; set; } = 2000;

    /// <summary>
    /// Battery grain calls a station has unconfirmed at once. A station's first snapshot docks every battery it holds
    /// (16 calls, each activating a grain that writes its state); handed over all at once, a fleet of new stations made
    /// ingest 7 times slower. Paced, the dockings follow the station's next messages and maintenance ticks, and a swap
    /// (two calls) still goes out at once.
    /// </summary>
    public int MaxCallsInFlightPerStation { get; set; } = 2;

    /// <summary>
    /// Whether a battery found in a slot that the ledger has never seen, and whose reading triggers nothing, is docked in
    /// its index shard alone (<see cref="IndexDocking"/>), its grain activated only when next needed. Off, every such
    /// docking activates the battery's grain, which reads and writes its state at once.
    /// </summary>
    public bool DockInIndex { get; set; } = true;

    /// <summary>
    /// Battery grain calls the silo starts per second, all stations together (0: no limit); a call waits for its turn
    /// off the ingest path. Pacing per station keeps the dockings off the acknowledgement path but not off the cores: a
    /// fleet of new stations spent them on battery grains instead of ingest. At about half a millisecond of CPU per
    /// docking, the default takes about half a core while a fleet is onboarded, and docks 10,000 new stations' 160,000
    /// batteries in under three minutes.
    /// </summary>
    public int MaxCallsPerSecond { get; set; } = 1000;

    /// <summary>
    /// How long a battery grain stays in memory after its last call. A battery is called when its custody changes and
    /// otherwise once per <see cref="HealthInterval"/>, so with Orleans' default (15 minutes) a fleet's batteries, 16 per
    /// station, all stayed active after their docking and held most of the silo's memory per station.
    /// </summary>
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Local profile (GrainStorage:Provider=Memory): the directory of the battery grains' database (batteries.db).</summary>
    public string Path { get; set; } = "data/batteries";

    public TimeSpan LostAfterSpan => TimeSpan.FromDays(LostAfter);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HealthInterval < TimeSpan.FromSeconds(1))
        {
            yield return new($"Ledger:Batteries:HealthInterval must be at least 1 second (is {HealthInterval}); the default 02:00:00 keeps battery writes near 0.011 per message with 16 slots at one message per 5 s.");
        }

        if (LostAfter <= 0 || OverTemperatureWindow <= TimeSpan.Zero)
        {
            yield return new($"Ledger:Batteries:LostAfter (days) and Ledger:Batteries:OverTemperatureWindow must be positive (are {LostAfter}, {OverTemperatureWindow}).");
        }

        if (OverTemperatureRepeats < 1 || CyclesBucket < 1 || MinBucketBatteries < 1 || SohBelowFleetMedianPct <= 0)
        {
            yield return new($"Ledger:Batteries:OverTemperatureRepeats, CyclesBucket, MinBucketBatteries must be at least 1 and SohBelowFleetMedianPct positive (are {OverTemperatureRepeats}, {CyclesBucket}, {MinBucketBatteries}, {SohBelowFleetMedianPct}).");
        }

        if (HistoryLimit < 10 || SohDays < 1 || RememberedEventsPerStation < 4 || RememberedStations < 1)
        {
            yield return new($"Ledger:Batteries:HistoryLimit (>= 10), SohDays (>= 1), RememberedEventsPerStation (>= 4), RememberedStations (>= 1) are {HistoryLimit}, {SohDays}, {RememberedEventsPerStation}, {RememberedStations}.");
        }

        if (MaxCallsPerSecond < 0)
        {
            yield return new($"Ledger:Batteries:MaxCallsPerSecond must be 0 (no limit) or positive (is {MaxCallsPerSecond}).");
        }

        if (MaxCallsInFlightPerStation < 1)
        {
            yield return new($"Ledger:Batteries:MaxCallsInFlightPerStation must be at least 1 (is {MaxCallsInFlightPerStation}); 2 lets a swap's two batteries go out together.");
        }

        if (MaxPendingPerStation < 16)
        {
            yield return new($"Ledger:Batteries:MaxPendingPerStation must be at least 16 (is {MaxPendingPerStation}).");
        }

        if (IdleAfter <= TimeSpan.FromMinutes(1))
        {
            yield return new($"Ledger:Batteries:IdleAfter must be longer than Orleans' collection quantum of 1 minute (is {IdleAfter}); the default is 00:02:00.");
        }

        if (string.IsNullOrWhiteSpace(Path))
        {
            yield return new("Ledger:Batteries:Path must name a directory, for example data/batteries.");
        }
    }
}
