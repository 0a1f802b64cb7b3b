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

    /// <summary>Draws one request may wait for when concurrent requests take each chunk before it.</summary>
    private const int MaxDrawsPerRequest = 3;

    private readonly Lock _lock = new();
    private readonly int _chunk = Math.Max(1, Math.Min(options.Burst, options.PermitsPerSecond / 20));
    private int _permits;
    private DateTimeOffset _lapsesAt;
    private DateTimeOffset _lastUsed = time.GetUtcNow();
    private Task<int>? _drawing;
    private long _admitted;
    private long _refused;
    private int _waiting;

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
        // Requests that waited for one draw share its chunk; one that finds it taken draws again, for all that wait, and
        // is refused only once the client's budget grants nothing.
        Interlocked.Increment(ref _waiting);
        try
        {
            return await AcquireByDrawingAsync(permitCount, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private async ValueTask<RateLimitLease> AcquireByDrawingAsync(int permitCount, CancellationToken cancellationToken)
    {
        for (var draws = 0; draws < MaxDrawsPerRequest; draws++)
        {
            if (TryTake(permitCount))
            {
                return Admitted;
            }

            int granted;
            try
            {
                granted = await SharedDraw(permitCount).WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The budget's grain is unreachable (its silo just failed): the limit protects the cluster from a client,
                // not a client from the cluster's own fault, so this request goes through and the next one draws again.
                Interlocked.Increment(ref _admitted);
                return Admitted;
            }

            if (granted == 0)
            {
                break;
            }
        }

        if (TryTake(permitCount))
        {
            return Admitted;
        }

        Interlocked.Increment(ref _refused);
        return Refused;
    }

    /// <summary>
    /// The draw in progress, or a new one. The draw's task is published under the lock before the grain is called, so a
    /// call that completes at once cannot leave a finished draw behind for later requests to wait on.
    /// </summary>
    private Task<int> SharedDraw(int permitCount)
    {
        TaskCompletionSource<int>? mine = null;
        Task<int> shared;
        var wanted = 0;
        lock (_lock)
        {
            if (_drawing is null)
            {
                wanted = Math.Max(_chunk, Volatile.Read(ref _waiting) * permitCount);
                mine = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                _drawing = mine.Task;
            }

            shared = _drawing;
        }

        if (mine is not null)
        {
            _ = DrawAsync(mine, wanted);
        }

        return shared;
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

    private async Task DrawAsync(TaskCompletionSource<int> done, int wanted)
    {
        try
        {
            var granted = await grains.GetGrain<IClientRateGrain>(client).Take(wanted, options.PermitsPerSecond, options.Burst);
            lock (_lock)
            {
                var now = time.GetUtcNow();
                _permits = (now >= _lapsesAt ? 0 : _permits) + granted;
                _lapsesAt = now + ChunkLifetime;
                _drawing = null;
            }

            done.SetResult(granted);
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                _drawing = null;
            }

            done.SetException(ex);
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
