namespace EvSwap.Contracts;

/// <summary>One custody change or health reading, in station-time order.</summary>
/// <param name="EventId">(station, boot, seq, index) of the event it came from.</param>
[GenerateSerializer, Immutable]
public sealed record BatteryHistoryEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] string StationId,
    [property: Id(3)] int? Slot,
    [property: Id(4)] string EventId,
    [property: Id(5)] double? SocPct,
    [property: Id(6)] double? SohPct,
    [property: Id(7)] int? Cycles,
    [property: Id(8)] double? TempC);
