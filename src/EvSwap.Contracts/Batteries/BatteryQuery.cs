namespace EvSwap.Contracts;

/// <param name="After">Battery id to start after (exclusive); null for the first page.</param>
[GenerateSerializer, Immutable]
public sealed record BatteryQuery(
    [property: Id(0)] string? Status,
    [property: Id(1)] string? Anomaly,
    [property: Id(2)] double? SohBelow,
    [property: Id(3)] string? StationId,
    [property: Id(4)] string? After,
    [property: Id(5)] int Limit);
