namespace EvSwap.Contracts;

/// <param name="SecondsInState">Time spent in each custody status, up to now for the current one.</param>
/// <param name="SohPerDay">The lowest state of health reported on each UTC day (station time), oldest first.</param>
[GenerateSerializer, Immutable]
public sealed record BatteryView(
    [property: Id(0)] string BatteryId,
    [property: Id(1)] BatteryCustody Custody,
    [property: Id(2)] BatteryReading? Latest,
    [property: Id(3)] double? PeakTempC,
    [property: Id(4)] DateTimeOffset? PeakTempAt,
    [property: Id(5)] IReadOnlyDictionary<string, double> SecondsInState,
    [property: Id(6)] IReadOnlyList<SohDay> SohPerDay,
    [property: Id(7)] IReadOnlyList<BatteryAnomaly> Anomalies,
    [property: Id(8)] long EventsApplied,
    [property: Id(9)] int OverTemperatureReadings);
