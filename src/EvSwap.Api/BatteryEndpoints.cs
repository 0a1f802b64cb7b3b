using System.Globalization;
using EvSwap.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvSwap.Api;

/// <summary>Batteries: where each one is, its health and anomalies, its custody history and its passport data.</summary>
public static class BatteryEndpoints
{
    public static IEndpointRouteBuilder MapBatteryEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/batteries").WithTags("Batteries").RequireAuthorization(ApiSecurity.ReadPolicy);
        group.MapGet("/", ListBatteries)
            .WithName("ListBatteries")
            .WithSummary("Batteries from the battery index, filtered by custody status, anomaly, state of health below a value and station, paged by cursor.")
            .Produces<BatteryListResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetBattery)
            .WithName("GetBattery")
            .WithSummary("A battery's custody, latest health, state of health per day, peak temperature, time in each status and anomalies.")
            .Produces<BatteryView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/history", GetHistory)
            .WithName("GetBatteryHistory")
            .WithSummary("A battery's custody changes and health readings in station-time order, paged by cursor.")
            .Produces<BatteryHistoryResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/passport", GetPassport)
            .WithName("GetBatteryPassport")
            .WithSummary("The dynamic data of the battery's EU battery passport (fields and sources in docs/batteries.md).")
            .Produces<BatteryPassport>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static async Task<IResult> ListBatteries(BatteryReader reader, string? status, string? anomaly, string? sohBelow, string? station, string? cursor, string? limit)
    {
        if (status is not null && !BatteryStatuses.All.Contains(status))
        {
            return QueryParsing.BadRequest("status", $"status must be one of {string.Join(", ", BatteryStatuses.All)}; got '{status}'.");
        }

        if (anomaly is not null && !BatteryAnomalyKinds.All.Contains(anomaly))
        {
            return QueryParsing.BadRequest("anomaly", $"anomaly must be one of {string.Join(", ", BatteryAnomalyKinds.All)}; got '{anomaly}'.");
        }

        double? below = null;
        if (sohBelow is not null)
        {
            if (!double.TryParse(sohBelow, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || parsed is < 0 or > 100 || double.IsNaN(parsed))
            {
                return QueryParsing.BadRequest("sohBelow", $"sohBelow must be a number from 0 to 100 (percent); got '{sohBelow}'.");
            }

            below = parsed;
        }

        if (station is not null && !QueryParsing.TryStationId(station, out var error))
        {
            return QueryParsing.BadRequest("station", $"a station id is 1-{TelemetryTopic.MaxStationIdLength} characters of [A-Za-z0-9_-]; got '{station}'.");
        }

        if (!QueryParsing.TryLimit(limit, 100, StationEndpoints.MaxPageSize, out var pageSize, out error))
        {
            return error!;
        }

        if (!Cursor.TryDecode(cursor, out var after) || (after.Length > 0 && !BatteryIds.IsValid(after)))
        {
            return QueryParsing.BadRequest("cursor", "cursor must be a value returned as nextCursor by this endpoint.");
        }

        var (items, hasMore) = await reader.ListAsync(new BatteryQuery(status, anomaly, below, station, after.Length == 0 ? null : after, pageSize));
        var next = hasMore && items.Count > 0 ? Cursor.Encode(items[^1].BatteryId) : null;
        return TypedResults.Ok(new BatteryListResponse(items, next));
    }

    internal static async Task<IResult> GetBattery(IGrainFactory grains, BatteryReader reader, string id)
    {
        if (await CheckAsync(reader, id) is { } problem)
        {
            return problem;
        }

        var view = await grains.GetGrain<IBatteryGrain>(id).GetView();
        return view is null ? NotFound(id) : TypedResults.Ok(view);
    }

    internal static async Task<IResult> GetHistory(IGrainFactory grains, BatteryReader reader, string id, string? cursor, string? limit)
    {
        if (await CheckAsync(reader, id) is { } problem)
        {
            return problem;
        }

        if (!QueryParsing.TryLimit(limit, 100, StationEndpoints.MaxPageSize, out var pageSize, out var error))
        {
            return error!;
        }

        if (!Cursor.TryDecode(cursor, out var after) || (after.Length > 0 && !IsPosition(after)))
        {
            return QueryParsing.BadRequest("cursor", "cursor must be a value returned as nextCursor by this endpoint.");
        }

        var page = await grains.GetGrain<IBatteryGrain>(id).GetHistory(after.Length == 0 ? null : after, pageSize);
        return TypedResults.Ok(new BatteryHistoryResponse(id, page.Items, page.Next is { } n ? Cursor.Encode(n) : null, page.Trimmed));
    }

    internal static async Task<IResult> GetPassport(IGrainFactory grains, BatteryReader reader, string id)
    {
        if (await CheckAsync(reader, id) is { } problem)
        {
            return problem;
        }

        var passport = await grains.GetGrain<IBatteryGrain>(id).GetPassport();
        return passport is null ? NotFound(id) : TypedResults.Ok(passport);
    }

    private static async Task<IResult?> CheckAsync(BatteryReader reader, string id)
    {
        if (!BatteryIds.IsValid(id))
        {
            return QueryParsing.BadRequest("id", $"a battery id is 1-{BatteryIds.MaxLength} characters without control characters; got '{id}'.");
        }

        return await reader.KnowsAsync(id) ? null : NotFound(id);
    }

    /// <summary>A history position is "{station time, ISO 8601}|{event id}".</summary>
    private static bool IsPosition(string value)
    {
        var bar = value.IndexOf('|');
        return bar > 0 && bar < value.Length - 1 && DateTimeOffset.TryParse(value[..bar], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);
    }

    private static IResult NotFound(string id) => Results.Problem(
        title: "Battery not found",
        detail: $"No station has reported battery '{id}'.",
        statusCode: StatusCodes.Status404NotFound);
}

public sealed record BatteryListResponse(IReadOnlyList<BatterySummary> Items, string? NextCursor);

/// <param name="Trimmed">Older entries no longer listed (folded into the battery's totals).</param>
public sealed record BatteryHistoryResponse(string BatteryId, IReadOnlyList<BatteryHistoryEntry> Items, string? NextCursor, long Trimmed);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(BatteryListResponse))]
[System.Text.Json.Serialization.JsonSerializable(typeof(BatteryHistoryResponse))]
[System.Text.Json.Serialization.JsonSerializable(typeof(BatteryView))]
[System.Text.Json.Serialization.JsonSerializable(typeof(BatteryPassport))]
public sealed partial class BatteryJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
