namespace EvSwap.Console;

/// <summary>The fleet table's search, filters, sort and page, applied to the rows of the whole fleet.</summary>
public sealed record FleetTableQuery(
    string? Search = null, string Status = FleetTableQuery.Any, string Availability = FleetTableQuery.Any,
    string SortBy = nameof(StationRow.StationId), bool Descending = false, int Page = 0, int PageSize = 25)
{
    public const string Any = "any";
    public const string NoneAvailable = "none";
    public const string Low = "low";
    public const string SomeAvailable = "some";

    public static readonly IReadOnlyList<string> Statuses = [Any, "Online", "Offline", "Alerting"];
    public static readonly IReadOnlyList<string> Availabilities = [Any, NoneAvailable, Low, SomeAvailable];

    public (IReadOnlyList<StationRow> Page, int Total) Apply(IEnumerable<StationRow> rows, int lowAvailability)
    {
        var filtered = rows.Where(r =>
            (string.IsNullOrWhiteSpace(Search) || r.StationId.Contains(Search.Trim(), StringComparison.OrdinalIgnoreCase))
            && (Status == Any || r.Status == Status)
            && Availability switch
            {
                NoneAvailable => r.AvailableCharged == 0,
                Low => r.AvailableCharged <= lowAvailability,
                SomeAvailable => r.AvailableCharged > 0,
                _ => true,
            });
        // Only the rows up to the end of the asked page are kept in order, never the whole fleet sorted (typed,
        // ordinal comparisons: a culture-aware compare of boxed keys made sorting the slowest part of the first paint).
        var kept = new TopK<StationRow>((Page + 1) * PageSize, Comparer<StationRow>.Create(Compare));
        foreach (var row in filtered)
        {
            kept.Add(row);
        }

        return ([.. kept.ToList().Skip(Page * PageSize)], kept.Offered);
    }

    private int Compare(StationRow a, StationRow b)
    {
        var byKey = SortBy switch
        {
            nameof(StationRow.Status) => string.CompareOrdinal(a.Status, b.Status),
            nameof(StationRow.AvailableCharged) => a.AvailableCharged.CompareTo(b.AvailableCharged),
            nameof(StationRow.LastSeen) => a.LastSeen.CompareTo(b.LastSeen),
            nameof(StationRow.ActiveAlerts) => a.ActiveAlerts.CompareTo(b.ActiveAlerts),
            nameof(StationRow.SwapsToday) => a.SwapsToday.CompareTo(b.SwapsToday),
            _ => string.CompareOrdinal(a.StationId, b.StationId),
        };
        return byKey != 0 ? (Descending ? -byKey : byKey) : string.CompareOrdinal(a.StationId, b.StationId);
    }
}
