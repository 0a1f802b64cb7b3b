using EvSwap.Contracts;

namespace EvSwap.Webhooks;

/// <summary>The JSON body of one notification.</summary>
/// <param name="Id">The idempotency key (also in the Idempotency-Key header): <c>{alarmId}:{event}</c>, the same for every retry.</param>
/// <param name="Event">raised, acknowledged or cleared.</param>
/// <param name="Alarm">The alarm as it stands when the notification is sent.</param>
public sealed record WebhookEvent(string Id, string Event, string AlarmId, string StationId, DateTimeOffset OccurredAt, Alarm Alarm);
