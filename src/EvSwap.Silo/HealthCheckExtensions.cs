using EvSwap.Api;

namespace EvSwap.Silo;

internal static class HealthCheckExtensions
{
    /// <summary>Live while the process runs; ready while Orleans, the broker links, the archive, the memory budget and the ingest log are.</summary>
    public static IServiceCollection AddEvSwapHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck("process", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy(), [ApiServiceCollectionExtensions.LiveTag])
            .AddCheck<SiloHealthCheck>("orleans", tags: [ApiServiceCollectionExtensions.ReadyTag])
            .AddCheck<BrokerLinkHealthCheck>("mqtt", tags: [ApiServiceCollectionExtensions.ReadyTag])
            .AddCheck<ArchiveHealthCheck>("archive", tags: [ApiServiceCollectionExtensions.ReadyTag])
            .AddCheck<IngestBudgetHealthCheck>("ingest-budget", tags: [ApiServiceCollectionExtensions.ReadyTag])
            .AddCheck<IngestLogHealthCheck>("ingest-log", tags: [ApiServiceCollectionExtensions.ReadyTag]);
        return services;
    }
}
