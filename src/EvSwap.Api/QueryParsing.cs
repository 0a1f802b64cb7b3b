using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace EvSwap.Api;

/// <summary>
/// Query parameters are read as strings and parsed here, so a bad value gets a 400 problem naming the parameter and
/// what is allowed, instead of the framework's generic binding failure.
/// </summary>
internal static class QueryParsing
{
    public static IResult BadRequest(string parameter, string detail) => Results.Problem(
        title: $"Invalid '{parameter}'",
        detail: detail,
        statusCode: StatusCodes.Status400BadRequest,
        extensions: new Dictionary<string, object?> { ["parameter"] = parameter });

    public static bool TryLimit(string? raw, int defaultValue, int max, out int limit, out IResult? error)
    {
        error = null;
        limit = defaultValue;
        if (raw is null)
        {
            return true;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > max)
        {
            error = BadRequest("limit", $"limit must be a whole number from 1 to {max}; got '{raw}'.");
            return false;
        }

        return true;
    }

    public static bool TryTime(string name, string? raw, DateTimeOffset defaultValue, out DateTimeOffset value, out IResult? error)
    {
        error = null;
        value = defaultValue;
        if (raw is null)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            error = BadRequest(name, $"{name} must be an ISO 8601 time such as 2026-11-24T18:00:00Z; got '{raw}'.");
            return false;
        }

        return true;
    }

    public static bool TryStationId(string id, out IResult? error)
    {
        error = null;
        if (!Contracts.TelemetryTopic.IsValidStationId(id))
        {
            error = BadRequest("id", $"a station id is 1-{Contracts.TelemetryTopic.MaxStationIdLength} characters of [A-Za-z0-9_-]; got '{id}'.");
            return false;
        }

        return true;
    }
}
