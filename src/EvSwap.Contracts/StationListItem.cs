namespace EvSwap.Contracts;

/// <summary>One row of <c>GET /stations</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record StationListItem(
    [property: Id(0)] string StationId,
    [property: Id(1)] DateTimeOffset LastSeen,
    [property: Id(2)] bool Online,
    [property: Id(3)] IReadOnlyDictionary<string, int> SlotCounts,
    [property: Id(4)] int AvailableCharged,
    [property: Id(5)] int ActiveAlerts)
{
    /// <summary>Charged batteries expected in 15, 30 and 60 minutes, as of the station's last index refresh; null while it is offline.</summary>
    [Id(40)] public AvailabilityOutlook? Outlook { get; init; }
}
