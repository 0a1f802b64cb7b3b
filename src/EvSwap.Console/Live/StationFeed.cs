using EvSwap.Contracts;

namespace EvSwap.Console;

/// <summary>
/// One open station page's subscription to its station grain: the grain pushes its new view after every message that
/// moved it. Renewed while the page is open, removed when it closes.
/// </summary>
public sealed class StationFeed : IStationWatcher, IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly IStationGrain _station;
    private readonly IStationWatcher _reference;
    private readonly Timer _renew;

    private StationFeed(IGrainFactory grains, string stationId)
    {
        _grains = grains;
        _station = grains.GetGrain<IStationGrain>(stationId);
        _reference = grains.CreateObjectReference<IStationWatcher>(this);
        _renew = new Timer(_ => _ = RenewAsync(), null, FleetMirror.RenewInterval, FleetMirror.RenewInterval);
    }

    public event Action<StationView>? Changed;

    public static async Task<StationFeed> StartAsync(IGrainFactory grains, string stationId)
    {
        var feed = new StationFeed(grains, stationId);
        await feed._station.Watch(feed._reference);
        return feed;
    }

    public Task StationChanged(StationView view)
    {
        Changed?.Invoke(view);
        return Task.CompletedTask;
    }

    private async Task RenewAsync()
    {
        try
        {
            await _station.Watch(_reference);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next renewal tries again; until then the page shows the last view it had.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _renew.DisposeAsync();
        try
        {
            await _station.Unwatch(_reference);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The grain forgets the watcher at its expiry anyway.
        }

        try
        {
            _grains.DeleteObjectReference<IStationWatcher>(_reference);
        }
        catch (ArgumentException)
        {
            // Orleans stopped first and released every object reference of this silo already.
        }
    }
}
