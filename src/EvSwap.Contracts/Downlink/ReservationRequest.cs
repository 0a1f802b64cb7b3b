namespace EvSwap.Contracts;

/// <summary>A rider's reservation request.</summary>
/// <param name="Ttl">How long the battery is held; null for Downlink:DefaultReservationTtl.</param>
[GenerateSerializer, Immutable]
public sealed record ReservationRequest(
    [property: Id(0)] string RiderId,
    [property: Id(1)] TimeSpan? Ttl,
    [property: Id(2)] string? IdempotencyKey);
