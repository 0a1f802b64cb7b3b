namespace EvSwap.Contracts;

/// <summary>What became of a command request: the command (new, or the one an Idempotency-Key already made), or why not.</summary>
/// <param name="Conflict">The Idempotency-Key was used before for a different request.</param>
[GenerateSerializer, Immutable]
public sealed record CommandSubmission(
    [property: Id(0)] CommandView? Command,
    [property: Id(1)] bool Created,
    [property: Id(2)] string? Conflict);
