namespace EvSwap.Contracts;

/// <summary>
/// What a station tells a battery grain: a custody change (docked in a slot, handed to a rider, removed) or a health
/// reading. Derived once per applied message; <see cref="Key"/> names it, so a repeat is recognised and ignored.
/// </summary>
/// <param name="Index">The swap event's index in the message for swap-derived events; <see cref="BatteryEventKinds.SlotIndexBase"/>
/// plus the slot (and an offset per kind) for events derived from the snapshot's slots.</param>
/// <param name="At">Station time: the swap event's <c>at</c>, or the message's <c>ts</c>. Events are ordered by it.</param>
[GenerateSerializer, Immutable]
public sealed record BatteryEvent(
    [property: Id(0)] string BatteryId,
    [property: Id(1)] string StationId,
    [property: Id(2)] long Boot,
    [property: Id(3)] long Seq,
    [property: Id(4)] int Index,
    [property: Id(5)] string Kind,
    [property: Id(6)] DateTimeOffset At,
    [property: Id(7)] int? Slot,
    [property: Id(8)] double? SocPct = null,
    [property: Id(9)] double? SohPct = null,
    [property: Id(10)] int? Cycles = null,
    [property: Id(11)] double? TempC = null)
{
    public string Key => $"{StationId}:{Boot}:{Seq}:{Index}";

    public bool HasReading => SocPct is not null || SohPct is not null || Cycles is not null || TempC is not null;
}
