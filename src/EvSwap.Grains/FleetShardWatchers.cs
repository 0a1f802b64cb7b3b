using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace EvSwap.Grains;

/// <summary>
/// A fleet index shard's watchers (one per console-serving silo) and the summaries changed since they were last told.
/// Changes are collected and sent together every <see cref="FlushInterval"/>, so a shard taking thousands of upserts a
/// second sends a few calls, and sends nothing at all while no one watches.
/// </summary>
public sealed class FleetShardWatchers(ILogger logger)
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A watcher that has not renewed for this long is dropped (a silo that died without unsubscribing).</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(2);

    private readonly ObserverManager<IFleetWatcher> _watchers = new(Expiry, logger);
    private readonly Dictionary<string, StationSummary> _pending = new(StringComparer.Ordinal);

    public int Count => _watchers.Count;

    public void Subscribe(IFleetWatcher watcher) => _watchers.Subscribe(watcher, watcher);

    public void Unsubscribe(IFleetWatcher watcher) => _watchers.Unsubscribe(watcher);

    public void Changed(StationSummary summary)
    {
        if (_watchers.Count > 0)
        {
            _pending[summary.StationId] = summary;
        }
    }

    public void Flush(int shard)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        IReadOnlyList<StationSummary> changed = [.. _pending.Values];
        _pending.Clear();
        _watchers.Notify(w => w.SummariesChanged(shard, changed));
    }
}
