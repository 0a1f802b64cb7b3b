namespace EvSwap.Contracts;

[GenerateSerializer, Immutable]
public sealed record SohDay([property: Id(0)] DateOnly Day, [property: Id(1)] double SohPct);
