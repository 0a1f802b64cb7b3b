namespace EvSwap.Contracts;

/// <summary>Up to <see cref="FleetQuery.Limit"/> stations after the cursor, in <see cref="FleetQuery.Sort"/> order.</summary>
[GenerateSerializer, Immutable]
public sealed record FleetPage(
    [property: Id(0)] IReadOnlyList<StationListItem> Items,
    [property: Id(1)] bool HasMore);
