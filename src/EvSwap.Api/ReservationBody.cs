namespace EvSwap.Api;

/// <summary>The body of <c>POST /stations/{id}/reservations</c> (optional when the token names the rider).</summary>
/// <param name="RiderId">The rider, when the caller's token does not name one (Auth:Mode=None, or an app acting for riders).</param>
/// <param name="TtlSeconds">How long the battery is held; Downlink:DefaultReservationTtl when absent.</param>
public sealed record ReservationBody(string? RiderId, int? TtlSeconds);
