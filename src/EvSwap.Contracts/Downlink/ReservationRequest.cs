namespace EvSwap.Contracts;

/// <summary>A rider's reservation request.</summary>
/// <param name="Ttl">How long the battery is held; null for Downlink:DefaultReservationTtl.</param>
[GenerateSerializer, Immutable]
public sealed record ReservationRequest(
    [property: Id(0)] string RiderId,
    [property: Id(1)] TimeSpan? Ttl,
    [property: Id(2)] string? IdempotencyKey)
{
    /// <summary>
    /// When the rider needs a charged battery: the station may hold one still charging that its forecast brings to the
    /// charged level by then; the hold lasts until ReadyBy + Ttl. Null to hold a charged battery now.
    /// </summary>
    [Id(40)] public DateTimeOffset? ReadyBy { get; init; }
}
