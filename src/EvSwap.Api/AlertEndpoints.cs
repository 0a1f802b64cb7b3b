using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvSwap.Api;

public static class AlertEndpoints
{
    public static RouteHandlerBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/alerts", async (FleetReader fleet) =>
            {
                var alerts = await fleet.AlertsAsync();
                var items = alerts.Select(a => new AlertItem(a.StationId, a.Alert.Kind, a.Alert.Slot, a.Alert.Code, a.Alert.Since, a.Alert.Message)).ToList();
                return TypedResults.Ok(new AlertsResponse(items.Count, items));
            })
            .RequireAuthorization(ApiSecurity.ReadPolicy)
            .WithTags("Alerts")
            .WithName("ListAlerts")
            .WithSummary("Active alerts across the fleet: over-temperature, slot faults, stations offline.")
            .Produces<AlertsResponse>();
}
