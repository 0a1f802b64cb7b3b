namespace EvSwap.Contracts;

/// <summary>A battery's health as a station last measured it.</summary>
[GenerateSerializer, Immutable]
public sealed record BatteryReading(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string StationId,
    [property: Id(2)] int? Slot,
    [property: Id(3)] double? SocPct,
    [property: Id(4)] double? SohPct,
    [property: Id(5)] int? Cycles,
    [property: Id(6)] double? TempC);
