namespace EvSwap.Contracts;

/// <param name="Since">When it was first detected (station time).</param>
/// <param name="Reason">Why, in words an operator can check against the history.</param>
[GenerateSerializer, Immutable]
public sealed record BatteryAnomaly(
    [property: Id(0)] string Kind,
    [property: Id(1)] DateTimeOffset Since,
    [property: Id(2)] string Reason);
