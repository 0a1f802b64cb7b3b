namespace EvSwap.Contracts;

/// <summary>What became of a reservation request: the reservation (new, or the one an Idempotency-Key made), or why not.</summary>
/// <param name="Unavailable">Why no battery could be held (the API answers 409).</param>
/// <param name="Conflict">The Idempotency-Key was used before for a different rider.</param>
[GenerateSerializer, Immutable]
public sealed record ReservationOutcome(
    [property: Id(0)] ReservationView? Reservation,
    [property: Id(1)] bool Created,
    [property: Id(2)] string? Unavailable,
    [property: Id(3)] string? Conflict)
{
    /// <summary>The request cannot be served as asked (a readyBy in the past or beyond Downlink:MaxReadyByAhead): the API answers 400.</summary>
    [Id(40)] public string? Invalid { get; init; }
}
