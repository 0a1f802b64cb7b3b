namespace EvSwap.Contracts;

/// <summary>One reservation (<see cref="CommandId"/> empty while a ready-by reservation waits for its battery to charge) as <c>GET /stations/{id}/reservations/{rid}</c> shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record ReservationView(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] string StationId,
    [property: Id(2)] string RiderId,
    [property: Id(3)] int Slot,
    [property: Id(4)] string BatteryId,
    [property: Id(5)] ReservationStatus Status,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset ExpiresAt,
    [property: Id(8)] DateTimeOffset? ConfirmedAt,
    [property: Id(9)] DateTimeOffset? EndedAt,
    [property: Id(10)] string? Reason,
    [property: Id(11)] string CommandId,
    [property: Id(12)] string? IdempotencyKey)
{
    /// <summary>A ready-by reservation's time; null for one that held a charged battery at once.</summary>
    [Id(40)] public DateTimeOffset? ReadyBy { get; init; }

    /// <summary>When the forecast expects the held battery (charging when reserved) to be charged; null when it was charged already.</summary>
    [Id(41)] public DateTimeOffset? ExpectedChargedAt { get; init; }
}
