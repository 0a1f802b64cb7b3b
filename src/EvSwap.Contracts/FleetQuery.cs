namespace EvSwap.Contracts;

/// <param name="After">The cursor's station id: the page starts after it (in <see cref="Sort"/> order).</param>
[GenerateSerializer, Immutable]
public sealed record FleetQuery(
    [property: Id(0)] StationStatus? Status,
    [property: Id(1)] string? After,
    [property: Id(2)] int Limit)
{
    [Id(40)] public FleetSort Sort { get; init; }

    /// <summary>The outlook horizon that <see cref="MinAvailable"/> and <see cref="FleetSort.Available"/> read, one of <see cref="AvailabilityOutlook.HorizonMinutes"/>.</summary>
    [Id(41)] public int AvailableInMinutes { get; init; } = 30;

    /// <summary>Only stations expected to have at least this many charged batteries at the horizon; 0 for all.</summary>
    [Id(42)] public int MinAvailable { get; init; }

    /// <summary>With <see cref="FleetSort.Available"/>: the cursor station's expected count, so the page starts after (count, id).</summary>
    [Id(43)] public int? AfterAvailable { get; init; }
}
