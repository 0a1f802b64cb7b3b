using System.Globalization;
using EvSwap.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvSwap.Api;

public static class StationEndpoints
{
    public const int MaxPageSize = 1000;

    public static RouteGroupBuilder MapStationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/stations").WithTags("Stations").RequireAuthorization(ApiSecurity.ReadPolicy);

        group.MapGet("/", ListStations)
            .WithName("ListStations")
            .WithSummary("The fleet from the index shards, paged: by station id, or with sort=available by charged batteries expected in availableIn (15m, 30m or 60m; default 30m), most first; filter by status=online|offline|alerting and minAvailable (at least that many expected at availableIn). Each row's outlook is the station's forecast as of its last index refresh; an offline station has none and counts as 0.")
            .Produces<StationListResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/{id}", GetStation)
            .WithName("GetStation")
            .WithSummary("A station's current state with every slot.")
            .Produces<StationView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/telemetry", GetTelemetry)
            .WithName("GetStationTelemetry")
            .WithSummary("Raw messages received from a station in a time range (station time), archived and still buffered, in (boot, seq) order.")
            .Produces<TelemetryResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/flush", FlushStation)
            .RequireAuthorization(ApiSecurity.OperatePolicy)
            .WithName("FlushStation")
            .WithSummary("Operator action: write the station's buffered telemetry to the archive and its state to storage now.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    internal static async Task<IResult> FlushStation(IGrainFactory grains, FleetReader fleet, string id)
    {
        if (!QueryParsing.TryStationId(id, out var error))
        {
            return error!;
        }

        if (!await fleet.KnowsAsync(id))
        {
            return NotFound(id);
        }

        var grain = grains.GetGrain<IStationGrain>(id);
        if (await grain.GetView() is null)
        {
            return NotFound(id);
        }

        try
        {
            await grain.Flush();
            return TypedResults.NoContent();
        }
        catch (InvalidOperationException ex)
        {
            return Results.Problem(title: "Archive unavailable", detail: ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    internal static async Task<IResult> ListStations(
        FleetReader fleet, string? status, string? sort, string? availableIn, string? minAvailable, string? cursor, string? limit)
    {
        if (!FleetListQuery.TryParse(status, sort, availableIn, minAvailable, cursor, limit, out var query, out var error))
        {
            return error!;
        }

        var (items, hasMore) = await fleet.ListAsync(query);
        var next = hasMore && items.Count > 0 ? FleetListQuery.NextCursor(query, items[^1]) : null;
        return TypedResults.Ok(new StationListResponse(items, next));
    }

    internal static async Task<IResult> GetStation(IGrainFactory grains, FleetReader fleet, string id)
    {
        if (!QueryParsing.TryStationId(id, out var error))
        {
            return error!;
        }

        if (!await fleet.KnowsAsync(id))
        {
            return NotFound(id);
        }

        var view = await grains.GetGrain<IStationGrain>(id).GetView();
        return view is null ? NotFound(id) : TypedResults.Ok(view);
    }

    internal static async Task<IResult> GetTelemetry(
        IGrainFactory grains, FleetReader fleet, TelemetryHistory history, TimeProvider time, string id, string? from, string? to, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!QueryParsing.TryStationId(id, out var error))
        {
            return error!;
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

        if ((end - start).TotalDays > 31)
        {
            return QueryParsing.BadRequest("from", "a telemetry query spans at most 31 days; use the Athena table for longer ranges.");
        }

        if (!QueryParsing.TryLimit(limit, 100, MaxPageSize, out var pageSize, out error))
        {
            return error!;
        }

        (long, long)? after = null;
        if (!Cursor.TryDecode(cursor, out var rawCursor) || (rawCursor.Length > 0 && !TryBootSeq(rawCursor, out after)))
        {
            return QueryParsing.BadRequest("cursor", "cursor must be a value returned as nextCursor by this endpoint.");
        }

        if (!await fleet.KnowsAsync(id) || await grains.GetGrain<IStationGrain>(id).GetView() is null)
        {
            return NotFound(id);
        }

        var (items, next) = await history.ReadAsync(id, start, end, after, pageSize, cancellationToken);
        var nextCursor = next is { } n ? Cursor.Encode(string.Create(CultureInfo.InvariantCulture, $"{n.Boot}:{n.Seq}")) : null;
        return TypedResults.Ok(new TelemetryResponse(id, start, end, items, nextCursor));
    }

    private static bool TryBootSeq(string value, out (long, long)? result)
    {
        result = null;
        var parts = value.Split(':');
        if (parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var boot)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            result = (boot, seq);
            return true;
        }

        return false;
    }

    private static IResult NotFound(string id) => Results.Problem(
        title: "Station not found",
        detail: $"Station '{id}' has never reported.",
        statusCode: StatusCodes.Status404NotFound);
}
