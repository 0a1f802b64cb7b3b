namespace EvSwap.Contracts;

/// <summary>
/// The dynamic data of an EU battery passport (Regulation (EU) 2023/1542, Annex XIII) that telemetry can supply. Each
/// field's source is listed in docs/batteries.md.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BatteryPassport(
    [property: Id(0)] string BatteryIdentifier,
    [property: Id(1)] string? BatteryModel,
    [property: Id(2)] double RatedCapacityKwh,
    [property: Id(3)] double? StateOfHealthPct,
    [property: Id(4)] double? RemainingCapacityKwh,
    [property: Id(5)] double? CapacityFadePct,
    [property: Id(6)] int? FullCycles,
    [property: Id(7)] double? StateOfChargePct,
    [property: Id(8)] double? PeakTemperatureC,
    [property: Id(9)] int OverTemperatureReadings,
    [property: Id(10)] double SecondsInService,
    [property: Id(11)] string BatteryStatus,
    [property: Id(12)] DateTimeOffset? LastUpdated);
