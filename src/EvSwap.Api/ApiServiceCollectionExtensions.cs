using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EvSwap.Api;

public static class ApiServiceCollectionExtensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    public static IServiceCollection AddEvSwapApi(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddEvSwapApiSecurity(configuration);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, SwapJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(2, BatteryJsonContext.Default);
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        });
        services.AddOpenApi();
        services.AddSingleton<FleetReader>();
        services.AddSingleton<AlarmReader>();
        services.AddSingleton<BatteryReader>();
        // Checked where the batteries are registered (AddBatteries); the API only reads where the index shards are.
        services.AddOptions<Contracts.BatteryIndexOptions>().Bind(configuration.GetSection(Contracts.BatteryIndexOptions.Section));
        services.AddSingleton<TelemetryHistory>();
        services.AddSingleton<EvSwap.Archive.SeriesReader>();
        services.AddHealthChecks();
        return services;
    }

    public static IEndpointRouteBuilder MapEvSwapApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        var api = app.MapGroup("").RequireRateLimiting(ApiSecurity.RateLimitPolicy);
        api.MapStationEndpoints();
        api.MapSeriesEndpoints();
        api.MapAlertEndpoints();
        api.MapSwapEndpoints();
        api.MapCommandEndpoints();
        api.MapReservationEndpoints();
        api.MapAlarmEndpoints();
        api.MapBatteryEndpoints();

        // The only endpoints open in Auth:Mode=Jwt: the load balancer and ECS probe without a token.
        var health = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        health.MapHealthChecks("/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains(LiveTag) });
        health.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthResponse.WriteAsync });

        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "EvSwap API v1");
            o.RoutePrefix = "swagger";
        });
        return app;
    }
}
