using System.Globalization;
using EvSwap.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvSwap.Api;

/// <summary><c>/stations/{id}/reservations</c> and <c>/stations/{id}/availability</c>: riders hold a charged battery before they arrive.</summary>
public static class ReservationEndpoints
{
    public const int MaxTtlSeconds = 24 * 3600;

    public static RouteGroupBuilder MapReservationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/stations/{id}").WithTags("Reservations").RequireAuthorization(ApiSecurity.ReadPolicy);

        group.MapPost("/reservations", Reserve)
            .WithName("Reserve")
            .WithSummary("Hold the station's fullest ready battery (socPct at or above Station:ChargedSocPct) for a rider (from the token, else the body) for ttlSeconds (default Downlink:DefaultReservationTtl). With readyBy (an ISO 8601 time, future, at most Downlink:MaxReadyByAhead ahead) it may hold a charging battery the forecast has charged by then, held until readyBy + ttlSeconds; 409 when none will be. The station is told over MQTT and confirms. An Idempotency-Key header makes retries return the same reservation.")
            .Produces<ReservationView>(StatusCodes.Status201Created)
            .Produces<ReservationView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/reservations", List)
            .WithName("ListReservations")
            .Produces<ReservationListResponse>();

        group.MapGet("/reservations/{reservationId}", Get)
            .WithName("GetReservation")
            .WithSummary("A reservation's state: Pending (held, not yet confirmed by the station), Confirmed, Fulfilled (a swap took the battery), Expired, Cancelled or Failed.")
            .Produces<ReservationView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/reservations/{reservationId}", Cancel)
            .WithName("CancelReservation")
            .WithSummary("Cancel a held reservation; the station is told to let the battery go. A reservation already ended is returned as it is.")
            .Produces<ReservationView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/availability", Availability)
            .WithTags("Stations")
            .WithName("GetAvailability")
            .WithSummary("How many charged batteries the station is expected to offer a walk-in rider after horizon (minutes, or with a unit: 15m, 1h; default 30m): available now, plus charging slots that reach the charged level at their recent rate, minus the recent swap rate.")
            .Produces<AvailabilityForecast>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    internal static async Task<IResult> Reserve(IGrainFactory grains, HttpContext http, string id, ReservationBody? body)
    {
        if (!QueryParsing.TryStationId(id, out var error) || !Caller.TryIdempotencyKey(http.Request, out var key, out error))
        {
            return error!;
        }

        var rider = Caller.Name(http.User) ?? body?.RiderId;
        if (string.IsNullOrWhiteSpace(rider) || rider.Length > 128)
        {
            return QueryParsing.BadRequest("riderId", "riderId (1-128 characters) is needed in the body when the token does not name the rider.");
        }

        if (body?.TtlSeconds is { } ttl && ttl is < 1 or > MaxTtlSeconds)
        {
            return QueryParsing.BadRequest("ttlSeconds", $"ttlSeconds must be from 1 to {MaxTtlSeconds}; got {ttl}.");
        }

        DateTimeOffset? readyBy = null;
        if (body?.ReadyBy is { } rawReadyBy)
        {
            if (!QueryParsing.TryTime("readyBy", rawReadyBy, default, out var parsed, out error))
            {
                return error!;
            }

            readyBy = parsed;
        }

        if (await grains.GetGrain<IStationGrain>(id).GetView() is null)
        {
            return CommandEndpoints.StationNotFound(id);
        }

        // The grain judges readyBy against its own clock and Downlink:MaxReadyByAhead.
        var outcome = await grains.GetGrain<IStationDownlinkGrain>(id)
            .Reserve(new ReservationRequest(rider, body?.TtlSeconds is { } s ? TimeSpan.FromSeconds(s) : null, key) { ReadyBy = readyBy });
        return outcome switch
        {
            { Invalid: { } invalid } => QueryParsing.BadRequest("readyBy", invalid),
            { Reservation: { } r, Created: true } => TypedResults.Created($"/stations/{id}/reservations/{r.ReservationId}", r),
            { Reservation: { } r } => TypedResults.Ok(r),
            { Conflict: { } conflict } => Results.Problem(title: "Idempotency-Key reused", detail: conflict, statusCode: StatusCodes.Status409Conflict),
            _ => Results.Problem(title: "No battery available", detail: outcome.Unavailable, statusCode: StatusCodes.Status409Conflict),
        };
    }

    internal static async Task<IResult> List(IGrainFactory grains, string id) =>
        !QueryParsing.TryStationId(id, out var error) ? error! : TypedResults.Ok(new ReservationListResponse(id, await grains.GetGrain<IStationDownlinkGrain>(id).GetReservations()));

    internal static async Task<IResult> Get(IGrainFactory grains, string id, string reservationId)
    {
        if (!QueryParsing.TryStationId(id, out var error))
        {
            return error!;
        }

        var reservation = await grains.GetGrain<IStationDownlinkGrain>(id).GetReservation(reservationId);
        return reservation is null ? NotFound(id, reservationId) : TypedResults.Ok(reservation);
    }

    internal static async Task<IResult> Cancel(IGrainFactory grains, string id, string reservationId)
    {
        if (!QueryParsing.TryStationId(id, out var error))
        {
            return error!;
        }

        var reservation = await grains.GetGrain<IStationDownlinkGrain>(id).CancelReservation(reservationId);
        return reservation is null ? NotFound(id, reservationId) : TypedResults.Ok(reservation);
    }

    internal static async Task<IResult> Availability(IGrainFactory grains, string id, string? horizon)
    {
        if (!QueryParsing.TryStationId(id, out var error))
        {
            return error!;
        }

        if (!TryHorizon(horizon, out var span))
        {
            return QueryParsing.BadRequest("horizon", $"horizon must be minutes from 1 to 1440, optionally with a unit (15m, 2h); got '{horizon}'.");
        }

        if (await grains.GetGrain<IStationGrain>(id).GetView() is null)
        {
            return CommandEndpoints.StationNotFound(id);
        }

        return TypedResults.Ok(await grains.GetGrain<IStationDownlinkGrain>(id).GetAvailability(span));
    }

    internal static bool TryHorizon(string? raw, out TimeSpan horizon)
    {
        horizon = TimeSpan.FromMinutes(30);
        if (raw is null)
        {
            return true;
        }

        var (number, unit) = raw.EndsWith('h') ? (raw[..^1], 60) : raw.EndsWith('m') ? (raw[..^1], 1) : (raw, 1);
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value * unit is < 1 or > 1440)
        {
            return false;
        }

        horizon = TimeSpan.FromMinutes(value * unit);
        return true;
    }

    private static IResult NotFound(string id, string reservationId) => Results.Problem(
        title: "Reservation not found",
        detail: $"Station '{id}' has no reservation '{reservationId}'.",
        statusCode: StatusCodes.Status404NotFound);
}
