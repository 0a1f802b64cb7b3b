using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>Told by a station grain its new view after each message that moved it (the console's station page).</summary>
public interface IStationWatcher : IGrainObserver
{
    [OneWay]
    Task StationChanged(StationView view);
}
