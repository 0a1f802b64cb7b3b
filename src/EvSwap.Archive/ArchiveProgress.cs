using System.Collections.Concurrent;

namespace EvSwap.Archive;

/// <summary>
/// Silo-wide: the receive time of the oldest message each station accepted and the archive does not hold yet. Whatever
/// was received before the oldest of these is archived, so the ingest log may forget it.
/// </summary>
public sealed class ArchiveProgress
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _oldestUnarchived = new(StringComparer.Ordinal);

    /// <summary>A station's oldest unarchived receive time; null once it holds nothing unarchived.</summary>
    public void Report(string stationId, DateTimeOffset? oldestUnarchived)
    {
        if (oldestUnarchived is { } at)
        {
            _oldestUnarchived[stationId] = at;
        }
        else
        {
            _oldestUnarchived.TryRemove(stationId, out _);
        }
    }

    /// <summary>The oldest unarchived receive time of any station, or null when every accepted message is archived.</summary>
    public DateTimeOffset? OldestUnarchived()
    {
        DateTimeOffset? oldest = null;
        foreach (var (_, at) in _oldestUnarchived)
        {
            if (oldest is null || at < oldest)
            {
                oldest = at;
            }
        }

        return oldest;
    }

    public int StationsWithUnarchived => _oldestUnarchived.Count;
}
