namespace EvSwap.Contracts;

/// <summary>An operator's command for a station; <see cref="SentBy"/> comes from the caller's token.</summary>
[GenerateSerializer, Immutable]
public sealed record CommandRequest(
    [property: Id(0)] string Type,
    [property: Id(1)] int? Slot,
    [property: Id(2)] string SentBy,
    [property: Id(3)] string? IdempotencyKey);
