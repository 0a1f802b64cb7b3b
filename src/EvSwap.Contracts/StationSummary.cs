namespace EvSwap.Contracts;

/// <summary>What a station grain tells its fleet index shard; online and offline are derived when read.</summary>
[GenerateSerializer, Immutable]
public sealed record StationSummary(
    [property: Id(0)] string StationId,
    [property: Id(1)] DateTimeOffset LastSeen,
    [property: Id(2)] IReadOnlyDictionary<string, int> SlotCounts,
    [property: Id(3)] int AvailableCharged,
    [property: Id(4)] IReadOnlyList<Alert> Alerts,
    [property: Id(5)] long Boot,
    [property: Id(6)] long Seq)
{
    /// <summary>Swaps counted on <see cref="SwapsDay"/> (station time, UTC); the console sums today's across the fleet.</summary>
    [Id(60)] public long SwapsToday { get; init; }

    [Id(61)] public DateOnly SwapsDay { get; init; }

    /// <summary>The station's availability forecast when it sent this summary; null from a station that sent none yet.</summary>
    [Id(40)] public AvailabilityOutlook? Outlook { get; init; }
}
