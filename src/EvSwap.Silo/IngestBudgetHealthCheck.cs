using EvSwap.Archive;
using EvSwap.Bridge;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EvSwap.Silo;

/// <summary>
/// Degraded while ingest refuses messages because this silo is at <c>Archive:MaxUnarchivedBytesPerSilo</c> or its dead
/// letters at <c>Archive:MaxRejectedBytesPerSilo</c>. Degraded, not Unhealthy: the silo still answers queries and holds
/// data only it has (unarchived buffers), and an unhealthy target behind the load balancer gets its ECS task replaced,
/// which would lose exactly that.
/// </summary>
internal sealed class IngestBudgetHealthCheck(UnarchivedBudget budget, DeadLetterQueue deadLetters) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var description = $"unarchived {Percent(budget.Use)} of Archive:MaxUnarchivedBytesPerSilo, dead letters {Percent(deadLetters.Use)} of Archive:MaxRejectedBytesPerSilo";
        return Task.FromResult(budget.IsExceeded || deadLetters.IsFull
            ? HealthCheckResult.Degraded("refusing messages until the archive catches up: " + description)
            : HealthCheckResult.Healthy(description));
    }

    private static string Percent(double share) => $"{share * 100:F0} %";
}
