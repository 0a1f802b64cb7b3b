using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace EvSwap.Grains;

/// <summary>
/// Who watches one station's live view (console pages open on it). Nothing is computed for a station no one watches;
/// a watched one sends its new view once per message that moved it.
/// </summary>
public sealed class StationWatchers(ILogger logger)
{
    private readonly ObserverManager<IStationWatcher> _watchers = new(FleetShardWatchers.Expiry, logger);

    /// <summary>Creates the set on first use, so a station no one ever watched carries nothing.</summary>
    public static Task Subscribe(ref StationWatchers? watchers, IStationWatcher watcher, ILogger logger)
    {
        (watchers ??= new StationWatchers(logger))._watchers.Subscribe(watcher, watcher);
        return Task.CompletedTask;
    }

    public static Task Unsubscribe(StationWatchers? watchers, IStationWatcher watcher)
    {
        watchers?._watchers.Unsubscribe(watcher);
        return Task.CompletedTask;
    }

    public void Changed(Func<StationView> view)
    {
        if (_watchers.Count > 0)
        {
            var current = view();
            _watchers.Notify(w => w.StationChanged(current));
        }
    }
}
