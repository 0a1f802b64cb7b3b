using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>
/// The battery grain calls the whole silo may start per second (<see cref="BatteryOptions.MaxCallsPerSecond"/>).
/// A fleet of new stations docks 16 batteries per station, each a grain activation and a durable write: without a
/// silo-wide budget that work takes the cores from ingest for as long as the onboarding lasts. A call waits its turn
/// off the ingest path (stations do not await their battery calls); its events stay in the station's state meanwhile.
/// </summary>
public sealed class BatteryCallBudget : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private const int MaxWaiting = 1_000_000;

    private readonly TokenBucketRateLimiter? _bucket;
    private readonly BatteryMetrics _metrics;

    public BatteryCallBudget(IOptions<BatteryOptions> options, BatteryMetrics metrics)
        : this(options.Value.MaxCallsPerSecond, metrics, autoReplenish: true)
    {
    }

    /// <param name="autoReplenish">False for tests, which refill with <see cref="Replenish"/> instead of the clock.</param>
    internal BatteryCallBudget(int perSecond, BatteryMetrics metrics, bool autoReplenish)
    {
        _metrics = metrics;
        if (perSecond > 0)
        {
            // Refilled ten times a second, so a burst never exceeds a second's worth of calls.
            _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond,
                TokensPerPeriod = Math.Max(1, perSecond / 10),
                ReplenishmentPeriod = Period,
                // Bounded by the stations' own bound on calls in flight; the limit only guards against a runaway.
                QueueLimit = MaxWaiting,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = autoReplenish,
            });
        }
    }

    internal void Replenish() => _bucket?.TryReplenish();

    /// <summary>
    /// Waits until a call may start. False when too many calls wait already: the events stay pending and the station's
    /// next message or maintenance tick hands them over again.
    /// </summary>
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        if (_bucket is null)
        {
            return true;
        }

        using var now = _bucket.AttemptAcquire();
        if (now.IsAcquired)
        {
            return true;
        }

        _metrics.Paced();
        using var later = await _bucket.AcquireAsync(1, cancellationToken);
        return later.IsAcquired;
    }

    public void Dispose() => _bucket?.Dispose();
}
