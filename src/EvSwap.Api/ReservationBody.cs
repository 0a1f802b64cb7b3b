namespace EvSwap.Api;

/// <summary>The body of <c>POST /stations/{id}/reservations</c> (optional when the token names the rider).</summary>
/// <param name="RiderId">The rider, when the caller's token does not name one (Auth:Mode=None, or an app acting for riders).</param>
/// <param name="TtlSeconds">How long the battery is held (after <paramref name="ReadyBy"/> when given); Downlink:DefaultReservationTtl when absent.</param>
/// <param name="ReadyBy">ISO 8601 time the rider needs a charged battery by: a battery still charging may be held if the forecast has it charged by then.</param>
public sealed record ReservationBody(string? RiderId, int? TtlSeconds, string? ReadyBy = null);
