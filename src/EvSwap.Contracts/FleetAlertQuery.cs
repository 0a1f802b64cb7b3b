namespace EvSwap.Contracts;

/// <summary>Up to <paramref name="Limit"/> active alerts after <paramref name="After"/> (from the start when null).</summary>
[GenerateSerializer, Immutable]
public sealed record FleetAlertQuery(
    [property: Id(0)] AlertCursor? After,
    [property: Id(1)] int Limit);
