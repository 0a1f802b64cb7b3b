using EvSwap.IngestLog;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EvSwap.Silo;

/// <summary>
/// Degraded while a replay (this silo's own log after a crash, or a dead silo's) has segments left: acknowledged
/// messages are then only in the log, not yet in the stations. Degraded, not Unhealthy: replacing the task would only
/// start the replay over.
/// </summary>
internal sealed class IngestLogHealthCheck(IIngestLog log, IngestLogMetrics metrics) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["replayPendingSegments"] = metrics.ReplayPending, ["retainedBytes"] = log.RetainedBytes };
        return Task.FromResult(metrics.ReplayPending > 0
            ? HealthCheckResult.Degraded($"replaying the ingest log: {metrics.ReplayPending} segments to go", data: data)
            : HealthCheckResult.Healthy($"{log.RetainedBytes:N0} bytes kept until archived", data: data));
    }
}
