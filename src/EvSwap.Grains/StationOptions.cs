using System.ComponentModel.DataAnnotations;

namespace EvSwap.Grains;

public sealed class StationOptions : IValidatableObject
{
    public const string Section = "Station";

    /// <summary>
    /// Write-behind: state is written on a swap, fault or alert change, else at most this often. Every message is a
    /// full snapshot, so the live view heals itself after a crash, and counters past the stored watermark are
    /// replayed from the archive on activation. Five minutes keeps a station reporting every 5 s at about 0.025
    /// DynamoDB writes per message (one periodic write per 60 messages plus its swaps); one minute would be 0.09.
    /// </summary>
    public TimeSpan StatePersistInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A station with no message for this long is offline (three times the expected 5 s interval).</summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a station refreshes its fleet index entry when nothing important changed.</summary>
    public TimeSpan IndexRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often an activation checks, without a message arriving, batch age, failed archive writes, dirty state and
    /// its index entry (a reporting station does all of this as its messages arrive). One timer per station: at 10,000
    /// stations a 5 s period kept the runtime's timer queue busy, 0.2 cores with no message at all. The cost of a
    /// minute: a station that stops reporting may look offline in the fleet list up to Station:IndexRefreshInterval
    /// early until its entry catches up, and its last batch seals up to a minute past Archive:MaxBatchAge.
    /// </summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A ready battery at or above this charge counts as available to a driver.</summary>
    public double ChargedSocPct { get; set; } = 95;

    /// <summary>
    /// How far behind the newest message of its boot a message may arrive and still be told apart from a duplicate.
    /// It costs no memory (the seen sets are ranges), so it is generous: IoT Core redelivers seconds late, and the
    /// contract rejects any message more than a day old anyway. A message further behind is dead-lettered with reason
    /// outside-dedup-window, never applied or archived twice.
    /// </summary>
    public long DeliveryWindow { get; set; } = 100_000;

    /// <summary>How many of a station's newest boots keep their seen sets; a message of an older boot is outside the window.</summary>
    public int DeliveryBoots { get; set; } = 4;

    /// <summary>
    /// The most gaps a boot's seen sets may hold (each gap is a range, 16 bytes). Only a station that skips numbers
    /// makes gaps; past the bound the oldest ranges are forgotten and what they covered counts as outside the window.
    /// </summary>
    public int DeliveryMaxRanges { get; set; } = 64;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StatePersistInterval <= TimeSpan.Zero)
        {
            yield return new($"Station:StatePersistInterval must be positive, for example 00:05:00 (is {StatePersistInterval}).");
        }

        if (OfflineAfter <= TimeSpan.Zero)
        {
            yield return new($"Station:OfflineAfter must be positive, for example 00:00:15 (is {OfflineAfter}).");
        }

        if (IndexRefreshInterval <= TimeSpan.Zero || IndexRefreshInterval >= OfflineAfter)
        {
            yield return new($"Station:IndexRefreshInterval ({IndexRefreshInterval}) must be positive and shorter than Station:OfflineAfter ({OfflineAfter}), or reporting stations would show as offline.");
        }

        if (MaintenanceInterval <= TimeSpan.Zero)
        {
            yield return new($"Station:MaintenanceInterval must be positive (is {MaintenanceInterval}).");
        }

        if (DeliveryWindow < 1)
        {
            yield return new($"Station:DeliveryWindow must be at least 1, for example 100000 (is {DeliveryWindow}).");
        }

        if (DeliveryBoots < 1)
        {
            yield return new($"Station:DeliveryBoots must be at least 1, for example 4 (is {DeliveryBoots}).");
        }

        if (DeliveryMaxRanges < 2)
        {
            yield return new($"Station:DeliveryMaxRanges must be at least 2, for example 64 (is {DeliveryMaxRanges}).");
        }

        if (ChargedSocPct is < 0 or > 100)
        {
            yield return new($"Station:ChargedSocPct must be within 0-100 (is {ChargedSocPct}).");
        }
    }
}
