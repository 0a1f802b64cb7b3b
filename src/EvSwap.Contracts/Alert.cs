namespace EvSwap.Contracts;

[GenerateSerializer, Immutable]
public sealed record Alert(
    [property: Id(0)] string Kind,
    [property: Id(1)] int? Slot,
    [property: Id(2)] string? Code,
    [property: Id(3)] DateTimeOffset Since,
    [property: Id(4)] string Message);
