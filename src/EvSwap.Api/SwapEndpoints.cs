using EvSwap.Ledger;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace EvSwap.Api;

/// <summary>The swap ledger: billable swap records, as JSON pages or a streamed CSV export, and per-station day totals.</summary>
public static class SwapEndpoints
{
    /// <summary>A CSV export covers at most this many days (a month of a large fleet streams; it is never held in memory).</summary>
    public const int MaxExportDays = 92;

    public static IEndpointRouteBuilder MapSwapEndpoints(this IEndpointRouteBuilder routes)
    {
        var swaps = routes.MapGroup("/swaps").WithTags("Swaps").RequireAuthorization(ApiSecurity.ReadPolicy);
        swaps.MapGet("/", ListSwaps)
            .WithName("ListSwaps")
            .WithSummary("Swap records by time (station time), filtered by station and/or battery, paged by cursor; with Accept: text/csv the whole range streams as CSV.")
            .Produces<SwapListResponse>()
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        routes.MapGroup("/stations").WithTags("Swaps").RequireAuthorization(ApiSecurity.ReadPolicy)
            .MapGet("/{id}/swaps/daily", DailyTotals)
            .WithName("GetStationDailySwaps")
            .WithSummary("A station's swaps and energy handed over per UTC day (station time), default the last 30 days.")
            .Produces<DailySwapsResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return routes;
    }

    internal static Task<IResult> ListSwaps(
        HttpContext http, ISwapStore store, TimeProvider time, string? station, string? battery, string? from, string? to, string? cursor, string? limit, CancellationToken cancellationToken) =>
        QuerySwaps(store, time, station, battery, from, to, cursor, limit, WantsCsv(http.Request), cancellationToken);

    /// <summary>The swap query with its checks; <paramref name="csv"/> streams the whole range (the console's download asks for it by link, without an Accept header).</summary>
    internal static async Task<IResult> QuerySwaps(
        ISwapStore store, TimeProvider time, string? station, string? battery, string? from, string? to, string? cursor, string? limit, bool csv, CancellationToken cancellationToken)
    {
        if (station is not null && !QueryParsing.TryStationId(station, out var error))
        {
            return error!;
        }

        if (battery is not null && (battery.Length is 0 or > 64))
        {
            return QueryParsing.BadRequest("battery", "battery must be a battery id of 1-64 characters.");
        }

        var now = time.GetUtcNow();
        if (!QueryParsing.TryTime("to", to, now, out var end, out error) || !QueryParsing.TryTime("from", from, end.AddDays(-1), out var start, out error))
        {
            return error!;
        }

        if (start > end)
        {
            return QueryParsing.BadRequest("from", $"from ({start:O}) must not be after to ({end:O}).");
        }

        if ((end - start).TotalDays > MaxExportDays)
        {
            return QueryParsing.BadRequest("from", $"a swap query spans at most {MaxExportDays} days.");
        }

        if (!Cursor.TryDecode(cursor, out var after) || (after.Length > 0 && !after.Contains('|')))
        {
            return QueryParsing.BadRequest("cursor", "cursor must be a value returned as nextCursor by this endpoint.");
        }

        var query = new SwapQuery(station, battery, start, end, after.Length == 0 ? null : after);
        if (csv)
        {
            return Results.Stream(body => SwapCsv.WriteAsync(body, store.QueryAsync(query, cancellationToken), cancellationToken), "text/csv; charset=utf-8");
        }

        if (!QueryParsing.TryLimit(limit, 100, StationEndpoints.MaxPageSize, out var pageSize, out error))
        {
            return error!;
        }

        var items = new List<SwapRecord>(pageSize);
        string? next = null;
        await foreach (var record in store.QueryAsync(query, cancellationToken))
        {
            if (items.Count == pageSize)
            {
                next = Cursor.Encode(items[^1].Key);
                break;
            }

            items.Add(record);
        }

        return TypedResults.Ok(new SwapListResponse(items, next));
    }

    internal static async Task<IResult> DailyTotals(ISwapStore store, TimeProvider time, string id, string? from, string? to, CancellationToken cancellationToken)
    {
        if (!QueryParsing.TryStationId(id, out var error))
        {
            return error!;
        }

        var now = time.GetUtcNow();
        if (!QueryParsing.TryTime("to", to, now, out var end, out error) || !QueryParsing.TryTime("from", from, end.UtcDateTime.Date.AddDays(-29), out var start, out error))
        {
            return error!;
        }

        if (start > end || (end - start).TotalDays > 366)
        {
            return QueryParsing.BadRequest("from", $"from ({start:O}) must be before to ({end:O}) and at most 366 days earlier.");
        }

        // Streamed and folded: a station's year is a few hundred thousand records, none of them kept.
        var days = new SortedDictionary<DateOnly, (int Swaps, double Energy, int Unknown)>();
        await foreach (var r in store.QueryAsync(new SwapQuery(id, null, start, end), cancellationToken))
        {
            var d = days.GetValueOrDefault(r.Day);
            days[r.Day] = (d.Swaps + 1, d.Energy + (r.EnergyKwh ?? 0), d.Unknown + (r.EnergyKwh is null ? 1 : 0));
        }

        var items = days.Select(d => new DailySwaps(d.Key, d.Value.Swaps, Math.Round(d.Value.Energy, 3), d.Value.Unknown)).ToList();
        return TypedResults.Ok(new DailySwapsResponse(id, start, end, items));
    }

    private static bool WantsCsv(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
}
