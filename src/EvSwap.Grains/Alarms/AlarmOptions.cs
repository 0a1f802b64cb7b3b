using System.ComponentModel.DataAnnotations;
using EvSwap.Contracts;
using EvSwap.Webhooks;

namespace EvSwap.Grains;

/// <summary>Alarm rules, where alarms are kept, and who is told (<c>Alarms</c>).</summary>
public sealed class AlarmOptions : IValidatableObject
{
    public const string Section = "Alarms";

    public AlarmRuleOptions Rules { get; set; } = new();

    public List<WebhookOptions> Webhooks { get; set; } = [];

    /// <summary>Local profile (GrainStorage:Provider=Memory): the directory alarms are kept in, one file per shard.</summary>
    public string Path { get; set; } = "data/alarms";

    /// <summary>A cleared and acknowledged alarm is kept this long after it cleared.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// At most this many cleared and acknowledged alarms per shard (the oldest go first): a shard is one DynamoDB item,
    /// which holds at most 400 KB. Active and unacknowledged alarms are never removed.
    /// </summary>
    public int MaxClosedPerShard { get; set; } = 500;

    /// <summary>An alarm still active and unacknowledged this long after it was raised is escalated once; zero turns escalation off.</summary>
    public TimeSpan EscalateAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Only alarms of this severity or more urgent are escalated.</summary>
    public string EscalateMinSeverity { get; set; } = AlarmSeverities.Major;

    /// <summary>How often each silo asks every alarm shard to check offline stations, escalation and retention.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a shard looks for webhook deliveries that are due.</summary>
    public TimeSpan DeliveryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Delivery rounds (each itself a few quick retries) before a notification is marked failed.</summary>
    public int DeliveryAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed round; it doubles after each round, up to an hour.</summary>
    public TimeSpan DeliveryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed deliveries kept per shard for the API (the oldest go first).</summary>
    public int MaxFailedPerShard { get; set; } = 200;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var errors = Rules.Validate().Concat(Webhooks.SelectMany((w, i) => w.Validate(i, [.. AlertKinds.All]))).ToList();
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add("Alarms:Path must name a directory, for example data/alarms.");
        }

        if (Retention <= TimeSpan.Zero || MaxClosedPerShard < 0 || MaxFailedPerShard < 0)
        {
            errors.Add($"Alarms:Retention must be positive and Alarms:MaxClosedPerShard, Alarms:MaxFailedPerShard not negative (are {Retention}, {MaxClosedPerShard}, {MaxFailedPerShard}).");
        }

        if (SweepInterval <= TimeSpan.Zero || DeliveryInterval <= TimeSpan.Zero || DeliveryBackoff <= TimeSpan.Zero)
        {
            errors.Add($"Alarms:SweepInterval, Alarms:DeliveryInterval and Alarms:DeliveryBackoff must be positive (are {SweepInterval}, {DeliveryInterval}, {DeliveryBackoff}).");
        }

        if (EscalateAfter < TimeSpan.Zero || !AlarmSeverities.IsValid(EscalateMinSeverity))
        {
            errors.Add($"Alarms:EscalateAfter must not be negative (00:00:00 turns escalation off) and Alarms:EscalateMinSeverity must be one of {string.Join(", ", AlarmSeverities.All)} (are {EscalateAfter}, '{EscalateMinSeverity}').");
        }

        if (DeliveryAttempts < 1)
        {
            errors.Add($"Alarms:DeliveryAttempts must be at least 1 (is {DeliveryAttempts}).");
        }

        return errors.Select(e => new ValidationResult(e));
    }
}
