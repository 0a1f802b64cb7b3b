namespace EvSwap.Ledger;

/// <summary>
/// A swap as the station reported it, taken from an applied message and held in the station's state until the ledger
/// store confirms its record. Raw readings only: the record's energy is computed when it is written, from the
/// configured battery models.
/// </summary>
/// <param name="Index">The event's position in the message's <c>events</c> array: with (station, boot, seq) it names the swap.</param>
[GenerateSerializer, Immutable]
public sealed record SwapEvent(
    [property: Id(0)] long Boot,
    [property: Id(1)] long Seq,
    [property: Id(2)] int Index,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] int? SlotIn,
    [property: Id(5)] string? BatteryIn,
    [property: Id(6)] double? SocInPct,
    [property: Id(7)] double? SohInPct,
    [property: Id(8)] int? SlotOut,
    [property: Id(9)] string? BatteryOut,
    [property: Id(10)] double? SocOutPct,
    [property: Id(11)] double? SohOutPct);
