namespace EvSwap.Contracts;

/// <summary>How many charged batteries a station is expected to offer a walk-in rider at <see cref="At"/>.</summary>
/// <param name="AvailableNow">Ready, charged and not held for a reservation.</param>
/// <param name="ChargedBy">Charging slots expected to reach the charged level within the horizon, from their recent charge rate.</param>
/// <param name="ExpectedSwaps">Swaps expected within the horizon at the station's recent swap rate; each takes a charged battery.</param>
/// <param name="Expected">max(0, AvailableNow + ChargedBy - ExpectedSwaps), rounded down.</param>
[GenerateSerializer, Immutable]
public sealed record AvailabilityForecast(
    [property: Id(0)] string StationId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] TimeSpan Horizon,
    [property: Id(3)] int AvailableNow,
    [property: Id(4)] int ReservationsHeld,
    [property: Id(5)] int ChargedBy,
    [property: Id(6)] double SwapsPerHour,
    [property: Id(7)] double ExpectedSwaps,
    [property: Id(8)] int Expected,
    [property: Id(9)] IReadOnlyList<SlotForecast> Slots);
