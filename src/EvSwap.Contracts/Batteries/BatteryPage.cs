namespace EvSwap.Contracts;

[GenerateSerializer, Immutable]
public sealed record BatteryPage([property: Id(0)] IReadOnlyList<BatterySummary> Items, [property: Id(1)] bool HasMore);
