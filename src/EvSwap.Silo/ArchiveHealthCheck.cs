using EvSwap.Archive;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EvSwap.Silo;

/// <summary>
/// Ready only while the archive takes writes. The failure goes to the log, not into the answer: /health/ready is
/// unauthenticated, and exception text names buckets, paths and endpoints.
/// </summary>
internal sealed class ArchiveHealthCheck(IArchiveStore store, ILogger<ArchiveHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckAsync(cancellationToken);
            return HealthCheckResult.Healthy($"archive store {store.GetType().Name} writable");
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Readiness: archive store {Store} unavailable.", store.GetType().Name);
            return HealthCheckResult.Unhealthy($"archive store {store.GetType().Name} unavailable; see the silo log");
        }
    }
}
