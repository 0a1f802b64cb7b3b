namespace EvSwap.Contracts;

/// <summary>One notification of one alarm event to one webhook, as the API shows a delivery that has not succeeded.</summary>
/// <param name="EventId">The idempotency key: the same for every attempt, so a receiver can drop repeats.</param>
/// <param name="Webhook">The webhook's index in Alarms:Webhooks.</param>
[GenerateSerializer, Immutable]
public sealed record AlarmDelivery(
    [property: Id(0)] string EventId,
    [property: Id(1)] string AlarmId,
    [property: Id(2)] string Event,
    [property: Id(3)] int Webhook,
    [property: Id(4)] int Attempts,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? LastAttemptAt,
    [property: Id(7)] string? LastError,
    [property: Id(8)] bool Failed);
