namespace EvSwap.Contracts;

/// <summary>One command as <c>GET /stations/{id}/commands</c> shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record CommandView(
    [property: Id(0)] string CommandId,
    [property: Id(1)] string Type,
    [property: Id(2)] int? Slot,
    [property: Id(3)] CommandStatus Status,
    [property: Id(4)] string SentBy,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset ExpiresAt,
    [property: Id(7)] DateTimeOffset? SentAt,
    [property: Id(8)] DateTimeOffset? AcknowledgedAt,
    [property: Id(9)] DateTimeOffset? CompletedAt,
    [property: Id(10)] string? Reason,
    [property: Id(11)] string? ReservationId,
    [property: Id(12)] string? IdempotencyKey,
    [property: Id(13)] int Publishes);
