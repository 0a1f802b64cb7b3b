using System.Collections.Concurrent;

namespace EvSwap.Bridge;

/// <summary>
/// Receive times of messages taken from the broker and not yet with their station (queued in a lane, being retried):
/// the ingest log must keep them, though no station reports them as unarchived yet. Counted per second of receive time,
/// so tracking a message costs two interlocked operations, not an allocation.
/// </summary>
/// <remarks>
/// A second stays held for <see cref="Grace"/> after its last message reached its station: that station may live on
/// another silo, whose report of what it holds unarchived was taken before the message arrived. The next report
/// includes it; the grace covers the time until then.
/// </remarks>
public sealed class InFlightReceipts(TimeProvider time)
{
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<long, Second> _perSecond = new();

    public InFlightReceipts()
        : this(TimeProvider.System)
    {
    }

    public void Begin(DateTimeOffset receivedAt) => Interlocked.Increment(ref _perSecond.GetOrAdd(SecondOf(receivedAt), _ => new Second()).Count);

    public void End(DateTimeOffset receivedAt)
    {
        if (_perSecond.TryGetValue(SecondOf(receivedAt), out var box))
        {
            Volatile.Write(ref box.LastEnded, time.GetTimestamp());
            Interlocked.Decrement(ref box.Count);
        }
    }

    /// <summary>The start of the oldest second with a message in flight or within its grace, or null when none is.</summary>
    public DateTimeOffset? Oldest()
    {
        long? oldest = null;
        foreach (var (second, box) in _perSecond)
        {
            if (Volatile.Read(ref box.Count) > 0 || time.GetElapsedTime(Volatile.Read(ref box.LastEnded)) < Grace)
            {
                oldest = oldest is null || second < oldest ? second : oldest;
            }
            else
            {
                // Long drained: a message of that second arriving now is counted anew.
                _perSecond.TryRemove(second, out _);
            }
        }

        return oldest is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
    }

    /// <summary>True when nothing is in flight; messages within their grace are with their stations already.</summary>
    public bool IsIdle => _perSecond.Values.All(b => Volatile.Read(ref b.Count) <= 0);

    private static long SecondOf(DateTimeOffset at) => at.ToUnixTimeSeconds();

    private sealed class Second
    {
        public int Count;
        public long LastEnded;
    }
}
