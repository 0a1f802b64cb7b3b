namespace EvSwap.Contracts;

/// <summary>
/// The order, filter and cursor of a fleet list query, shared by the index shards (each sorts and filters its own
/// stations) and the API (which merges the shards' pages in the same order).
/// </summary>
public static class FleetOrder
{
    /// <summary>Charged batteries expected at the query's horizon; 0 without an outlook (an offline station has none).</summary>
    public static int Available(FleetQuery query, StationListItem item) => item.Outlook?.In(query.AvailableInMinutes) ?? 0;

    public static int Compare(FleetQuery query, StationListItem a, StationListItem b) => query.Sort == FleetSort.Available
        ? Compare(Available(query, a), a.StationId, Available(query, b), b.StationId)
        : string.CompareOrdinal(a.StationId, b.StationId);

    /// <summary>Whether the item passes the availability filter and comes after the cursor.</summary>
    public static bool Includes(FleetQuery query, StationListItem item)
    {
        // The horizon is read only when the query uses it: a query from a silo that predates it carries none.
        if (query.MinAvailable > 0 && Available(query, item) < query.MinAvailable)
        {
            return false;
        }

        if (query.After is not { } after)
        {
            return true;
        }

        return query.Sort == FleetSort.Available
            ? Compare(Available(query, item), item.StationId, query.AfterAvailable ?? int.MaxValue, after) > 0
            : string.CompareOrdinal(item.StationId, after) > 0;
    }

    /// <summary>More available first; equal counts by station id, so every station has one place and the cursor is exact.</summary>
    private static int Compare(int availableA, string idA, int availableB, string idB)
    {
        var byAvailable = availableB.CompareTo(availableA);
        return byAvailable != 0 ? byAvailable : string.CompareOrdinal(idA, idB);
    }
}
