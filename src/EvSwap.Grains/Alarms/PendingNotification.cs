using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>One alarm event still to be delivered to one webhook, persisted with the alarm change that caused it.</summary>
[GenerateSerializer]
public sealed class PendingNotification
{
    /// <summary>The idempotency key, <c>{alarmId}:{event}</c>.</summary>
    [Id(0)] public string EventId { get; set; } = "";

    [Id(1)] public string AlarmId { get; set; } = "";

    [Id(2)] public string Event { get; set; } = "";

    [Id(3)] public int Webhook { get; set; }

    [Id(4)] public int Attempts { get; set; }

    [Id(5)] public DateTimeOffset CreatedAt { get; set; }

    [Id(6)] public DateTimeOffset NextAttemptAt { get; set; }

    [Id(7)] public DateTimeOffset? LastAttemptAt { get; set; }

    [Id(8)] public string? LastError { get; set; }

    public AlarmDelivery ToDelivery(bool failed) => new(EventId, AlarmId, Event, Webhook, Attempts, CreatedAt, LastAttemptAt, LastError, failed);
}
