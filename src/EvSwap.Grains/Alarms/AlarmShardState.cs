using EvSwap.Contracts;

namespace EvSwap.Grains;

[GenerateSerializer]
public sealed class AlarmShardState
{
    [Id(0)] public Dictionary<string, Alarm> Alarms { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Notifications not yet delivered, in the order they happened.</summary>
    [Id(1)] public List<PendingNotification> Outbox { get; set; } = [];

    /// <summary>Notifications given up on after Alarms:DeliveryAttempts rounds, kept for the API.</summary>
    [Id(2)] public List<PendingNotification> Failed { get; set; } = [];
}
