namespace EvSwap.Contracts;

/// <summary>Alerts in <see cref="AlertCursor"/> order; <see cref="HasMore"/> when more follow the last one.</summary>
[GenerateSerializer, Immutable]
public sealed record FleetAlertPage(
    [property: Id(0)] IReadOnlyList<FleetAlert> Items,
    [property: Id(1)] bool HasMore);
