namespace EvSwap.Contracts;

/// <summary>
/// A station's availability forecast at the fleet list's fixed horizons. The station computes it when it refreshes its
/// index entry, so the fleet list filters and sorts by it without calling a single station.
/// </summary>
/// <param name="In15m">Charged batteries a walk-in rider is expected to find in 15 minutes (<see cref="AvailabilityForecast.Expected"/>).</param>
/// <param name="AsOf">When the station computed it: the horizons count from here.</param>
[GenerateSerializer, Immutable]
public sealed record AvailabilityOutlook(
    [property: Id(0)] int In15m,
    [property: Id(1)] int In30m,
    [property: Id(2)] int In60m,
    [property: Id(3)] DateTimeOffset AsOf)
{
    /// <summary>The horizons, in minutes, an outlook holds: the only ones the fleet list filters and sorts by.</summary>
    public static readonly IReadOnlyList<int> HorizonMinutes = [15, 30, 60];

    public int In(int minutes) => minutes switch
    {
        15 => In15m,
        30 => In30m,
        60 => In60m,
        _ => throw new ArgumentOutOfRangeException(nameof(minutes), minutes, $"an outlook holds {string.Join(", ", HorizonMinutes)} minutes only"),
    };
}
