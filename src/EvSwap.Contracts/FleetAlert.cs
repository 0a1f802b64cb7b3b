namespace EvSwap.Contracts;

[GenerateSerializer, Immutable]
public sealed record FleetAlert(
    [property: Id(0)] string StationId,
    [property: Id(1)] Alert Alert);
