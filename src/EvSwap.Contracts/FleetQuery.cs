namespace EvSwap.Contracts;

[GenerateSerializer, Immutable]
public sealed record FleetQuery(
    [property: Id(0)] StationStatus? Status,
    [property: Id(1)] string? After,
    [property: Id(2)] int Limit);
