using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace EvSwap.Silo;

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
