using EvSwap.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvSwap.Api;

/// <summary><c>/stations/{id}/commands</c>: operators act on a station; the station grain sends the command down and tracks it.</summary>
public static class CommandEndpoints
{
    public static RouteGroupBuilder MapCommandEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/stations/{id}/commands").WithTags("Commands").RequireAuthorization(ApiSecurity.ReadPolicy);

        group.MapPost("/", SendCommand)
            .RequireAuthorization(ApiSecurity.OperatePolicy)
            .WithName("SendCommand")
            .WithSummary("Operator action sent to the station over MQTT: slot-maintenance, slot-in-service, release-slot (with a slot) or restart-cabinet. An Idempotency-Key header makes retries return the same command.")
            .Produces<CommandView>(StatusCodes.Status201Created)
            .Produces<CommandView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/", ListCommands)
            .WithName("ListCommands")
            .WithSummary("The station's commands, newest first, each with its lifecycle: Pending, Sent, Acknowledged, Succeeded, Failed (with the station's reason) or TimedOut.")
            .Produces<CommandListResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{commandId}", GetCommand)
            .WithName("GetCommand")
            .Produces<CommandView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    internal static async Task<IResult> SendCommand(IGrainFactory grains, HttpContext http, string id, CommandBody? body)
    {
        if (!QueryParsing.TryStationId(id, out var error) || !Caller.TryIdempotencyKey(http.Request, out var key, out error))
        {
            return error!;
        }

        if (body?.Type is not { } type || !CommandTypes.Operator.Contains(type))
        {
            return QueryParsing.BadRequest("type", $"type must be one of {string.Join(", ", CommandTypes.Operator)}; got '{body?.Type}'.");
        }

        if (CommandTypes.NeedsSlot(type) != body.Slot.HasValue)
        {
            return QueryParsing.BadRequest("slot", CommandTypes.NeedsSlot(type) ? $"{type} needs a slot." : $"{type} takes no slot.");
        }

        var view = await grains.GetGrain<IStationGrain>(id).GetView();
        if (view is null)
        {
            return StationNotFound(id);
        }

        if (body.Slot is { } slot && !view.Slots.Any(s => s.Slot == slot))
        {
            return QueryParsing.BadRequest("slot", $"Station {id} has no slot {slot} (slots {string.Join(", ", view.Slots.Select(s => s.Slot))}).");
        }

        var submission = await grains.GetGrain<IStationDownlinkGrain>(id).SendCommand(new CommandRequest(type, body.Slot, Caller.Name(http.User) ?? Caller.LocalOperator, key));
        if (submission.Command is not { } command)
        {
            return Results.Problem(title: "Idempotency-Key reused", detail: submission.Conflict, statusCode: StatusCodes.Status409Conflict);
        }

        return submission.Created ? TypedResults.Created($"/stations/{id}/commands/{command.CommandId}", command) : TypedResults.Ok(command);
    }

    internal static async Task<IResult> ListCommands(IGrainFactory grains, string id)
    {
        if (!QueryParsing.TryStationId(id, out var error))
        {
            return error!;
        }

        var commands = await grains.GetGrain<IStationDownlinkGrain>(id).GetCommands();
        if (commands.Count == 0 && await grains.GetGrain<IStationGrain>(id).GetView() is null)
        {
            return StationNotFound(id);
        }

        return TypedResults.Ok(new CommandListResponse(id, commands));
    }

    internal static async Task<IResult> GetCommand(IGrainFactory grains, string id, string commandId)
    {
        if (!QueryParsing.TryStationId(id, out var error))
        {
            return error!;
        }

        var command = (await grains.GetGrain<IStationDownlinkGrain>(id).GetCommands()).FirstOrDefault(c => c.CommandId == commandId);
        return command is null
            ? Results.Problem(title: "Command not found", detail: $"Station '{id}' has no command '{commandId}' (finished commands past Downlink:MaxRetainedCommands are dropped).", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(command);
    }

    internal static IResult StationNotFound(string id) => Results.Problem(
        title: "Station not found",
        detail: $"Station '{id}' has never reported.",
        statusCode: StatusCodes.Status404NotFound);
}
