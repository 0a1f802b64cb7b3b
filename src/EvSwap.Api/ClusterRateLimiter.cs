using System.Threading.RateLimiting;
using EvSwap.Contracts;

namespace EvSwap.Api;

/// <summary>
/// One client's limiter on one silo: admits requests from permits drawn in chunks from the client's
/// <see cref="IClientRateGrain"/>, the budget all silos share. A chunk is a twentieth of a second's rate and lapses
/// after a second unused, so a silo the client left does not sit on permits the others need.
/// </summary>
public sealed class ClusterRateLimiter(string client, IGrainFactory grains, RateLimitOptions options, TimeProvider time) : RateLimiter
{
    private static readonly TimeSpan ChunkLifetime = TimeSpan.FromSeconds(1);
    private static readonly RateLimitLease Admitted = new Lease(true);
    private static readonly RateLimitLease Refused = new Lease(false);

    private readonly Lock _lock = new();
    private readonly int _chunk = Math.Max(1, Math.Min(options.Burst, options.PermitsPerSecond / 20));
    private int _permits;
    private DateTimeOffset _lapsesAt;
    private DateTimeOffset _lastUsed = time.GetUtcNow();
    private Task? _drawing;
    private long _admitted;
    private long _refused;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                return _drawing is null ? time.GetUtcNow() - _lastUsed : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            return new RateLimiterStatistics { CurrentAvailablePermits = _permits, TotalSuccessfulLeases = _admitted, TotalFailedLeases = _refused };
        }
    }

    /// <summary>Admits from the permits this silo holds; the middleware then waits in <see cref="AcquireAsyncCore"/> for a draw.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => TryTake(permitCount) ? Admitted : Refused;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (TryTake(permitCount))
        {
            return Admitted;
        }

        Task drawing;
        lock (_lock)
        {
            // One draw at a time per client and silo: requests that arrive meanwhile share its result.
            drawing = _drawing ??= DrawAsync(permitCount);
        }

        try
        {
            await drawing.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The budget's grain is unreachable (its silo just failed): the limit protects the cluster from a client,
            // not a client from the cluster's own fault, so this request goes through and the next one draws again.
            Interlocked.Increment(ref _admitted);
            return Admitted;
        }

        if (TryTake(permitCount))
        {
            return Admitted;
        }

        Interlocked.Increment(ref _refused);
        return Refused;
    }

    private bool TryTake(int permitCount)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            _lastUsed = now;
            if (now >= _lapsesAt)
            {
                _permits = 0;
            }

            if (_permits < permitCount)
            {
                return false;
            }

            _permits -= permitCount;
            _admitted++;
            return true;
        }
    }

    private async Task DrawAsync(int permitCount)
    {
        try
        {
            var granted = await grains.GetGrain<IClientRateGrain>(client).Take(Math.Max(_chunk, permitCount), options.PermitsPerSecond, options.Burst);
            lock (_lock)
            {
                var now = time.GetUtcNow();
                _permits = (now >= _lapsesAt ? 0 : _permits) + granted;
                _lapsesAt = now + ChunkLifetime;
            }
        }
        finally
        {
            lock (_lock)
            {
                _drawing = null;
            }
        }
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
