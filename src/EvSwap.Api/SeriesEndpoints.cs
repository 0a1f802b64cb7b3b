using System.Globalization;
using EvSwap.Archive;
using EvSwap.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvSwap.Api;

/// <summary><c>GET /stations/{id}/series</c>: bucketed min/avg/max/last of one telemetry figure, for charts.</summary>
public static class SeriesEndpoints
{
    public const int MaxBuckets = 10_000;
    public const int DefaultBuckets = 300;

    public static RouteGroupBuilder MapSeriesEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/stations").WithTags("Stations").RequireAuthorization(ApiSecurity.ReadPolicy);
        group.MapGet("/{id}/series", GetSeries)
            .WithName("GetStationSeries")
            .WithSummary("Buckets (count, min, avg, max, last) of one metric (socPct, tempC, sohPct per slot; gridPowerKw, ambientC per station) over a station-time range, from archive summaries, raw batches and the grain's buffer.")
            .Produces<SeriesResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    internal static async Task<IResult> GetSeries(
        IGrainFactory grains, SeriesReader reader, TimeProvider time, string id, string? metric, string? slot, string? from, string? to, string? step, CancellationToken cancellationToken)
    {
        if (!QueryParsing.TryStationId(id, out var error))
        {
            return error!;
        }

        if (metric is null || !SeriesMetrics.IsKnown(metric))
        {
            return QueryParsing.BadRequest("metric", $"metric must be one of {string.Join(", ", SeriesMetrics.All)}; got '{metric}'.");
        }

        int? slotNumber = null;
        if (slot is not null)
        {
            if (!SeriesMetrics.IsPerSlot(metric))
            {
                return QueryParsing.BadRequest("slot", $"{metric} is a station figure; slot applies only to {string.Join(", ", SeriesMetrics.SlotMetrics)}.");
            }

            if (!int.TryParse(slot, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return QueryParsing.BadRequest("slot", $"slot must be a slot number (1 or more); got '{slot}'.");
            }

            slotNumber = n;
        }

        var now = time.GetUtcNow();
        if (!QueryParsing.TryTime("to", to, now, out var end, out error) || !QueryParsing.TryTime("from", from, end.AddDays(-1), out var start, out error))
        {
            return error!;
        }

        if (start >= end)
        {
            return QueryParsing.BadRequest("from", $"from ({start:O}) must be before to ({end:O}).");
        }

        if ((end - start).TotalDays > 31)
        {
            return QueryParsing.BadRequest("from", "a series query spans at most 31 days.");
        }

        long stepSeconds;
        if (step is null)
        {
            // About DefaultBuckets points, in whole minutes so the archive's per-minute summaries answer it.
            stepSeconds = Math.Max(60, (long)Math.Ceiling((end - start).TotalSeconds / DefaultBuckets / 60) * 60);
        }
        else if (!TryStep(step, out stepSeconds))
        {
            return QueryParsing.BadRequest("step", $"step must be a whole number of seconds, minutes or hours from 1s to 1d, such as 60, 30s, 5m or 1h; got '{step}'.");
        }

        if ((end - start).TotalSeconds / stepSeconds > MaxBuckets)
        {
            return QueryParsing.BadRequest("step", $"from..to at step {stepSeconds}s would be more than {MaxBuckets} buckets; use a larger step.");
        }

        var grain = grains.GetGrain<IStationGrain>(id);
        if (await grain.GetView() is null)
        {
            return Results.Problem(title: "Station not found", detail: $"Station '{id}' has never reported.", statusCode: StatusCodes.Status404NotFound);
        }

        // The buffer first, then the archive: see SeriesReader.
        var buffered = await grain.GetUnflushedTelemetry();
        return TypedResults.Ok(await reader.ReadAsync(id, metric, slotNumber, start, end, stepSeconds, buffered, cancellationToken));
    }

    internal static bool TryStep(string raw, out long seconds)
    {
        seconds = 0;
        var unit = raw.Length > 0 && char.IsLetter(raw[^1]) ? raw[^1] : 's';
        var digits = char.IsLetter(unit) && raw.Length > 0 && char.IsLetter(raw[^1]) ? raw[..^1] : raw;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return false;
        }

        seconds = unit switch { 's' => n, 'm' => n * 60, 'h' => n * 3600, 'd' => n * 86400, _ => 0 };
        return seconds is >= 1 and <= 86400;
    }
}
