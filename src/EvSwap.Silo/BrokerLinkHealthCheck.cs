using EvSwap.Archive;
using EvSwap.Bridge;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace EvSwap.Silo;

/// <summary>Ready only while the bridge has its broker links: a silo that cannot receive telemetry should not get traffic.</summary>
internal sealed class BrokerLinkHealthCheck(TelemetryBridge bridge) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connected = bridge.ConnectedCount;
        var total = bridge.ConnectionCount;
        var description = $"{connected} of {total} broker connections up";
        return Task.FromResult(connected == total && total > 0 ? HealthCheckResult.Healthy(description)
            : connected > 0 ? HealthCheckResult.Degraded(description)
            : HealthCheckResult.Unhealthy(description));
    }
}

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

/// <summary>Not ready before the silo joined its cluster, nor once shutdown began (so the load balancer drains first).</summary>
internal sealed class SiloHealthCheck(ISiloStatusOracle oracle, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("silo is shutting down"));
        }

        var status = oracle.CurrentStatus;
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("silo active")
            : HealthCheckResult.Unhealthy($"silo is {status}"));
    }
}
