using System.Globalization;
using EvSwap.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvSwap.Api;

public static class AlertEndpoints
{
    public const int MaxPageSize = 1000;

    public static RouteHandlerBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/alerts", ListAlerts)
            .RequireAuthorization(ApiSecurity.ReadPolicy)
            .WithTags("Alerts")
            .WithName("ListAlerts")
            .WithSummary("Active alerts across the fleet (over-temperature, slot faults, stations offline), paged by cursor, ordered by station id, kind and slot.")
            .Produces<AlertsResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

    internal static async Task<IResult> ListAlerts(FleetReader fleet, string? cursor, string? limit)
    {
        if (!QueryParsing.TryLimit(limit, 100, MaxPageSize, out var pageSize, out var error))
        {
            return error!;
        }

        if (!Cursor.TryDecode(cursor, out var raw) || !TryParse(raw, out var after))
        {
            return QueryParsing.BadRequest("cursor", "cursor must be a value returned as nextCursor by this endpoint.");
        }

        var (alerts, hasMore) = await fleet.AlertsAsync(after, pageSize);
        var items = alerts.Select(a => new AlertItem(a.StationId, a.Alert.Kind, a.Alert.Slot, a.Alert.Code, a.Alert.Since, a.Alert.Message)).ToList();
        var next = hasMore && alerts.Count > 0 ? Cursor.Encode(Format(AlertCursor.Of(alerts[^1]))) : null;
        return TypedResults.Ok(new AlertsResponse(items.Count, items, next));
    }

    // Station id, kind and slot cannot hold a newline; the code comes last, so it may.
    private static string Format(AlertCursor c) =>
        string.Join('\n', c.StationId, c.Kind, c.Slot?.ToString(CultureInfo.InvariantCulture) ?? "", c.Code ?? "");

    private static bool TryParse(string raw, out AlertCursor? cursor)
    {
        cursor = null;
        if (raw.Length == 0)
        {
            return true;
        }

        var parts = raw.Split('\n', 4);
        if (parts.Length != 4 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return false;
        }

        int? slot = null;
        if (parts[2].Length > 0)
        {
            if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return false;
            }

            slot = parsed;
        }

        cursor = new AlertCursor(parts[0], parts[1], slot, parts[3].Length == 0 ? null : parts[3]);
        return true;
    }
}
