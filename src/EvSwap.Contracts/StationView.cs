namespace EvSwap.Contracts;

/// <summary>Everything <c>GET /stations/{id}</c> shows.</summary>
[GenerateSerializer, Immutable]
public sealed record StationView(
    [property: Id(0)] string StationId,
    [property: Id(1)] bool Online,
    [property: Id(2)] DateTimeOffset LastSeen,
    [property: Id(3)] DateTimeOffset LastStationTs,
    [property: Id(4)] long Boot,
    [property: Id(5)] long Seq,
    [property: Id(6)] double? AmbientC,
    [property: Id(7)] double? GridPowerKw,
    [property: Id(8)] IReadOnlyList<SlotReading> Slots,
    [property: Id(9)] IReadOnlyDictionary<string, int> SlotCounts,
    [property: Id(10)] int AvailableCharged,
    [property: Id(11)] StationCounters Counters,
    [property: Id(12)] IReadOnlyList<Alert> Alerts);
