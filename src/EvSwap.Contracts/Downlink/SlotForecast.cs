namespace EvSwap.Contracts;

/// <summary>A charging slot's forecast: its charge rate and when it reaches the charged level (null when no rate is known yet).</summary>
[GenerateSerializer, Immutable]
public sealed record SlotForecast(
    [property: Id(0)] int Slot,
    [property: Id(1)] double SocPct,
    [property: Id(2)] double? PctPerMinute,
    [property: Id(3)] DateTimeOffset? ChargedAt)
{
    /// <summary>Held for a rider who reserved it to be ready by a time: not counted for walk-in riders.</summary>
    [Id(40)] public bool Held { get; init; }
}
