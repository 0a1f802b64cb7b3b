namespace EvSwap.Contracts;

/// <summary>Where a battery is: in a station's slot, out with a rider after a swap at a station, or removed from one.</summary>
[GenerateSerializer, Immutable]
public sealed record BatteryCustody(
    [property: Id(0)] string Status,
    [property: Id(1)] string? StationId,
    [property: Id(2)] int? Slot,
    [property: Id(3)] DateTimeOffset Since);
