using System.Globalization;
using EvSwap.Contracts;
using Microsoft.AspNetCore.Http;

namespace EvSwap.Api;

/// <summary>
/// The query string of <c>GET /stations</c> and its cursors. Sorted by id, a cursor is the last station id; sorted by
/// availability it is the last row's (horizon, expected count, id), the position in that order, so each page starts
/// exactly where the previous one ended.
/// </summary>
internal static class FleetListQuery
{
    private const string AvailablePrefix = "available:";
    public const int MaxMinAvailable = 10_000;

    public static bool TryParse(string? status, string? sort, string? availableIn, string? minAvailable, string? cursor, string? limit,
        out FleetQuery query, out IResult? error)
    {
        query = null!;
        StationStatus? filter = null;
        if (status is not null)
        {
            if (!Enum.TryParse<StationStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
            {
                error = QueryParsing.BadRequest("status", $"status must be one of online, offline, alerting; got '{status}'.");
                return false;
            }

            filter = parsed;
        }

        var order = FleetSort.Id;
        if (sort is not null && !TrySort(sort, out order))
        {
            error = QueryParsing.BadRequest("sort", $"sort must be id or available; got '{sort}'.");
            return false;
        }

        var minutes = 30;
        if (availableIn is not null)
        {
            if (!ReservationEndpoints.TryHorizon(availableIn, out var horizon) || !AvailabilityOutlook.HorizonMinutes.Contains((int)horizon.TotalMinutes))
            {
                error = QueryParsing.BadRequest("availableIn", $"availableIn must be one of 15m, 30m, 60m (the horizons stations forecast); got '{availableIn}'.");
                return false;
            }

            minutes = (int)horizon.TotalMinutes;
        }

        var atLeast = 0;
        if (minAvailable is not null
            && (!int.TryParse(minAvailable, NumberStyles.None, CultureInfo.InvariantCulture, out atLeast) || atLeast > MaxMinAvailable))
        {
            error = QueryParsing.BadRequest("minAvailable", $"minAvailable must be a whole number from 0 to {MaxMinAvailable}; got '{minAvailable}'.");
            return false;
        }

        if (!QueryParsing.TryLimit(limit, 100, StationEndpoints.MaxPageSize, out var pageSize, out error))
        {
            return false;
        }

        query = new FleetQuery(filter, null, pageSize) { Sort = order, AvailableInMinutes = minutes, MinAvailable = atLeast };
        if (!Cursor.TryDecode(cursor, out var raw) || (raw.Length > 0 && !TryPosition(raw, query, out query)))
        {
            error = QueryParsing.BadRequest("cursor", "cursor must be a value returned as nextCursor by this endpoint for the same sort and availableIn.");
            return false;
        }

        return true;
    }

    public static string NextCursor(FleetQuery query, StationListItem last) => Cursor.Encode(query.Sort == FleetSort.Available
        ? string.Create(CultureInfo.InvariantCulture, $"{AvailablePrefix}{query.AvailableInMinutes}:{FleetOrder.Available(query, last)}:{last.StationId}")
        : last.StationId);

    private static bool TrySort(string raw, out FleetSort sort)
    {
        sort = raw switch { "id" => FleetSort.Id, "available" => FleetSort.Available, _ => (FleetSort)(-1) };
        return Enum.IsDefined(sort);
    }

    /// <summary>A station id cannot hold ':', so an id cursor and an availability cursor are never mistaken for each other.</summary>
    private static bool TryPosition(string raw, FleetQuery query, out FleetQuery positioned)
    {
        positioned = query;
        if (query.Sort == FleetSort.Id)
        {
            positioned = query with { After = raw };
            return TelemetryTopic.IsValidStationId(raw);
        }

        var parts = raw.StartsWith(AvailablePrefix, StringComparison.Ordinal) ? raw[AvailablePrefix.Length..].Split(':') : [];
        if (parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes == query.AvailableInMinutes
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var available)
            && TelemetryTopic.IsValidStationId(parts[2]))
        {
            positioned = query with { After = parts[2], AfterAvailable = available };
            return true;
        }

        return false;
    }
}
