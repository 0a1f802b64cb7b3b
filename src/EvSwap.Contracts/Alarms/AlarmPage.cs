namespace EvSwap.Contracts;

[GenerateSerializer, Immutable]
public sealed record AlarmPage(
    [property: Id(0)] IReadOnlyList<Alarm> Items,
    [property: Id(1)] bool HasMore);
