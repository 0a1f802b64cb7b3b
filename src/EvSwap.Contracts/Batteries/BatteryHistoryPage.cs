namespace EvSwap.Contracts;

/// <param name="Next">Position to pass back for the next page; null on the last.</param>
/// <param name="Trimmed">Entries older than the first one kept were folded into the totals and are no longer listed.</param>
[GenerateSerializer, Immutable]
public sealed record BatteryHistoryPage(
    [property: Id(0)] IReadOnlyList<BatteryHistoryEntry> Items,
    [property: Id(1)] string? Next,
    [property: Id(2)] long Trimmed);
