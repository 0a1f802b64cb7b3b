using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>
/// Told by a fleet index shard which of its stations' summaries changed, in batches: how the console hears about the
/// fleet without asking every station. A watcher re-subscribes periodically; a shard forgets watchers that stop.
/// </summary>
public interface IFleetWatcher : IGrainObserver
{
    [OneWay]
    Task SummariesChanged(int shard, IReadOnlyList<StationSummary> summaries);
}
