using System.Globalization;
using System.Security.Claims;
using EvSwap.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvSwap.Api;

/// <summary>
/// <c>/alarms</c>: the alarm lifecycle (list, read, acknowledge, assign, comment) and webhook deliveries not yet made.
/// <c>GET /alerts</c> stays what it was: the conditions active right now, offline stations included.
/// </summary>
public static class AlarmEndpoints
{
    public const int MaxPageSize = 1000;
    public const int MaxTextLength = 2000;
    public const int MaxAssigneeLength = 128;

    /// <summary>Who acts when Auth:Mode=None: there is no token to name anyone.</summary>
    public const string LocalOperator = "local-operator";

    public static RouteGroupBuilder MapAlarmEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/alarms").WithTags("Alarms").RequireAuthorization(ApiSecurity.ReadPolicy);

        group.MapGet("/", ListAlarms)
            .WithName("ListAlarms")
            .WithSummary("Alarms across the fleet, newest raised first, paged; filter by state, kind, severity, station, battery and raised time.")
            .Produces<AlarmListResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/deliveries", async (AlarmReader reader) =>
            {
                var items = await reader.DeliveriesAsync();
                return TypedResults.Ok(new AlarmDeliveriesResponse(items.Count, items));
            })
            .WithName("ListAlarmDeliveries")
            .WithSummary("Webhook notifications not delivered yet (retrying) or given up on (failed: true).")
            .Produces<AlarmDeliveriesResponse>();

        group.MapGet("/{id}", async (AlarmReader reader, string id) =>
                reader.ShardOf(id) is { } shard && await shard.Get(id) is { } alarm ? Results.Ok(alarm) : NotFound(id))
            .WithName("GetAlarm")
            .WithSummary("One alarm with its acknowledgement, assignee and comments.")
            .Produces<Alarm>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/ack", async (AlarmReader reader, HttpContext http, string id, AcknowledgeRequest? body) =>
            {
                if (body?.Comment is { Length: > MaxTextLength })
                {
                    return QueryParsing.BadRequest("comment", $"comment must be at most {MaxTextLength} characters.");
                }

                return await Act(reader, id, shard => shard.Acknowledge(id, Operator(http.User), NullIfBlank(body?.Comment)));
            })
            .RequireAuthorization(ApiSecurity.OperatePolicy)
            .WithName("AcknowledgeAlarm")
            .WithSummary("Acknowledge an alarm (the token's user is recorded); acknowledging again keeps the first acknowledgement.")
            .Produces<Alarm>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/assign", async (AlarmReader reader, HttpContext http, string id, AssignRequest body) =>
            {
                var assignee = NullIfBlank(body.Assignee);
                if (assignee is { Length: > MaxAssigneeLength })
                {
                    return QueryParsing.BadRequest("assignee", $"assignee must be at most {MaxAssigneeLength} characters; null unassigns.");
                }

                return await Act(reader, id, shard => shard.Assign(id, assignee, Operator(http.User)));
            })
            .RequireAuthorization(ApiSecurity.OperatePolicy)
            .WithName("AssignAlarm")
            .WithSummary("Assign an alarm to someone (assignee null unassigns); recorded as a comment too.")
            .Produces<Alarm>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id}/comments", async (AlarmReader reader, HttpContext http, string id, CommentRequest body) =>
            {
                var text = NullIfBlank(body.Text);
                if (text is null || text.Length > MaxTextLength)
                {
                    return QueryParsing.BadRequest("text", $"text is required and at most {MaxTextLength} characters.");
                }

                return await Act(reader, id, shard => shard.Comment(id, Operator(http.User), text));
            })
            .RequireAuthorization(ApiSecurity.OperatePolicy)
            .WithName("CommentOnAlarm")
            .WithSummary("Add a comment to an alarm.")
            .Produces<Alarm>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    internal static async Task<IResult> ListAlarms(
        AlarmReader reader, string? state, string? kind, string? severity, string? station, string? from, string? to, string? cursor, string? limit, string? battery = null)
    {
        if (state is not null && !AlarmStates.All.Contains(state))
        {
            return QueryParsing.BadRequest("state", $"state must be one of {string.Join(", ", AlarmStates.All)}; got '{state}'.");
        }

        if (kind is not null && !AlertKinds.All.Contains(kind))
        {
            return QueryParsing.BadRequest("kind", $"kind must be one of {string.Join(", ", AlertKinds.All)}; got '{kind}'.");
        }

        if (severity is not null && !AlarmSeverities.IsValid(severity))
        {
            return QueryParsing.BadRequest("severity", $"severity must be one of {string.Join(", ", AlarmSeverities.All)}; got '{severity}'.");
        }

        if (station is not null && !TelemetryTopic.IsValidStationId(station))
        {
            return QueryParsing.BadRequest("station", $"a station id is 1-{TelemetryTopic.MaxStationIdLength} characters of [A-Za-z0-9_-]; got '{station}'.");
        }

        if (battery is not null && !BatteryIds.IsValid(battery))
        {
            return QueryParsing.BadRequest("battery", $"a battery id is 1-{BatteryIds.MaxLength} characters without control characters; got '{battery}'.");
        }

        if (!QueryParsing.TryTime("from", from, DateTimeOffset.MinValue, out var fromTime, out var error)
            || !QueryParsing.TryTime("to", to, DateTimeOffset.MaxValue, out var toTime, out error)
            || !QueryParsing.TryLimit(limit, 100, MaxPageSize, out var pageSize, out error))
        {
            return error!;
        }

        if (fromTime >= toTime)
        {
            return QueryParsing.BadRequest("from", $"from ({fromTime:O}) must be before to ({toTime:O}).");
        }

        if (!TryDecodeCursor(cursor, out var after))
        {
            return QueryParsing.BadRequest("cursor", "cursor must be a nextCursor value from an earlier page, passed back unchanged.");
        }

        var query = new AlarmQuery(state, kind, severity, station, from is null ? null : fromTime, to is null ? null : toTime, after, pageSize, battery);
        var page = await reader.ListAsync(query);
        var next = page.HasMore && page.Items.Count > 0 ? EncodeCursor(page.Items[^1]) : null;
        return TypedResults.Ok(new AlarmListResponse(page.Items, next));
    }

    /// <summary>The token's user: Cognito access tokens name it in <c>username</c>, others in <c>preferred_username</c> or only <c>sub</c>.</summary>
    internal static string Operator(ClaimsPrincipal user) =>
        user.FindFirst("username")?.Value
        ?? user.FindFirst("cognito:username")?.Value
        ?? user.FindFirst("preferred_username")?.Value
        ?? user.FindFirst("sub")?.Value
        ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
        ?? LocalOperator;

    private static async Task<IResult> Act(AlarmReader reader, string id, Func<IAlarmShardGrain, Task<Alarm?>> action) =>
        reader.ShardOf(id) is { } shard && await action(shard) is { } alarm ? Results.Ok(alarm) : NotFound(id);

    /// <summary>Blank means none (unassigned, no comment); the console reads its fields by the same rule.</summary>
    internal static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static IResult NotFound(string id) =>
        Results.Problem(title: "Alarm not found", detail: $"There is no alarm '{id}'.", statusCode: StatusCodes.Status404NotFound);

    private static string EncodeCursor(Alarm last) =>
        Cursor.Encode(last.RaisedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + last.Id);

    private static bool TryDecodeCursor(string? cursor, out AlarmCursor? after)
    {
        after = null;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        if (!Cursor.TryDecode(cursor, out var raw))
        {
            return false;
        }

        var bar = raw.IndexOf('|');
        if (bar <= 0 || !long.TryParse(raw.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks || AlarmIds.StationOf(raw[(bar + 1)..]) is null)
        {
            return false;
        }

        after = new AlarmCursor(new DateTimeOffset(ticks, TimeSpan.Zero), raw[(bar + 1)..]);
        return true;
    }
}
