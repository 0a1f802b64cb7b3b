using System.Collections.Concurrent;

namespace EvSwap.Bridge;

/// <summary>
/// Receive times of messages taken from the broker and not yet with their station (queued in a lane, being retried):
/// the ingest log must keep them, though no station reports them as unarchived yet. Counted per second of receive time,
/// so tracking a message costs two interlocked operations, not an allocation.
/// </summary>
public sealed class InFlightReceipts
{
    private readonly ConcurrentDictionary<long, StrongBox> _perSecond = new();

    public void Begin(DateTimeOffset receivedAt) => Interlocked.Increment(ref _perSecond.GetOrAdd(Second(receivedAt), _ => new StrongBox()).Count);

    public void End(DateTimeOffset receivedAt)
    {
        if (_perSecond.TryGetValue(Second(receivedAt), out var box))
        {
            Interlocked.Decrement(ref box.Count);
        }
    }

    /// <summary>The start of the oldest second with a message in flight, or null when none is.</summary>
    public DateTimeOffset? Oldest()
    {
        long? oldest = null;
        foreach (var (second, box) in _perSecond)
        {
            if (Volatile.Read(ref box.Count) > 0)
            {
                oldest = oldest is null || second < oldest ? second : oldest;
            }
            else if (second < DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60)
            {
                // Long drained: a message of that second arriving now would be a minute late, and is counted anew.
                _perSecond.TryRemove(second, out _);
            }
        }

        return oldest is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
    }

    private static long Second(DateTimeOffset at) => at.ToUnixTimeSeconds();

    private sealed class StrongBox
    {
        public int Count;
    }
}
