using EvSwap.Bridge;
using Microsoft.Extensions.Diagnostics.HealthChecks;

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
