namespace EvSwap.Contracts;

[GenerateSerializer, Immutable]
public sealed record StationCounters(
    [property: Id(0)] long Messages,
    [property: Id(1)] long Duplicates,
    [property: Id(2)] long SwapsToday,
    [property: Id(3)] long SwapsTotal,
    [property: Id(4)] long Faults,
    [property: Id(5)] long Late);
