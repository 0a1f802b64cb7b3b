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
        Func<StationRow, IComparable> key = SortBy switch
        {
            nameof(StationRow.Status) => r => r.Status,
            nameof(StationRow.AvailableCharged) => r => r.AvailableCharged,
            nameof(StationRow.LastSeen) => r => r.LastSeen,
            nameof(StationRow.ActiveAlerts) => r => r.ActiveAlerts,
            nameof(StationRow.SwapsToday) => r => r.SwapsToday,
            _ => r => r.StationId,
        };
        var sorted = (Descending ? filtered.OrderByDescending(key) : filtered.OrderBy(key)).ThenBy(r => r.StationId, StringComparer.Ordinal).ToList();
        return ([.. sorted.Skip(Page * PageSize).Take(PageSize)], sorted.Count);
    }
}
