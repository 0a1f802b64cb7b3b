using EvSwap.Contracts;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>
/// One shard of the fleet index: the summaries of the stations whose id hashes here. Listing reads shards, never
/// stations, so a fleet-wide query costs a few grain calls however many stations exist. The summaries are stored in
/// chunks of bounded size (<see cref="WriteBehindIndex{T}"/>), so no stored item grows with the fleet.
/// </summary>
public sealed class FleetIndexShardGrain : Grain, IFleetIndexShardGrain
{
    /// <summary>The single item that held a shard before it was chunked, read once to take its stations over.</summary>
    private const string StateName = "fleet-shard";

    private readonly IPersistentState<FleetShardState> _legacy;
    private readonly WriteBehindIndex<StationSummary> _stations;
    private readonly StationOptions _options;
    private readonly TimeProvider _time;
    private readonly FleetShardWatchers _watchers;
    private IGrainTimer? _watchTimer;
    private readonly SortedKeys _sortedIds = new();

    public FleetIndexShardGrain(
        [PersistentState(StateName, StationGrain.StorageName)] IPersistentState<FleetShardState> legacy,
        IServiceProvider services,
        IOptions<StationOptions> options,
        TimeProvider time,
        Microsoft.Extensions.Logging.ILogger<FleetIndexShardGrain> logger)
    {
        _watchers = new FleetShardWatchers(logger);
        _legacy = legacy;
        _stations = new WriteBehindIndex<StationSummary>(services, StationGrain.StorageName, StateName, time);
        _options = options.Value;
        _time = time;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken) => _stations.ActivateAsync(this, _legacy, legacy => legacy.Stations);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _stations.FlushAsync(cancellationToken);

    public Task Upsert(StationSummary summary)
    {
        if (!_stations.Items.TryGetValue(summary.StationId, out var existing))
        {
            // A station only registers once, and an idle one sends nothing more: a crash must not forget it, or the
            // API answers 404 for a station that exists.
            _sortedIds.Invalidate();
            _stations.Set(summary.StationId, summary);
            _watchers.Changed(summary);
        }
        else if (existing.LastSeen <= summary.LastSeen)
        {
            // Summaries may arrive out of order (one-way calls, a station moving between silos): keep the newest.
            _stations.Set(summary.StationId, summary);
            _watchers.Changed(summary);
        }

        return Task.CompletedTask;
    }

    public Task Register(StationSummary summary) => Upsert(summary);

    public Task<bool> Contains(string stationId) => Task.FromResult(_stations.Items.ContainsKey(stationId));

    public Task<FleetPage> List(FleetQuery query)
    {
        var now = _time.GetUtcNow();
        if (query.Sort == FleetSort.Available)
        {
            return Task.FromResult(ListByAvailable(query, now));
        }

        var ids = _sortedIds.Of(_stations.Items);
        var start = SortedKeys.Start(ids, query.After);
        var items = new List<StationListItem>(Math.Min(query.Limit, ids.Length));
        var hasMore = false;
        for (var i = start; i < ids.Length; i++)
        {
            if (Item(_stations.Items[ids[i]], query, now) is not { } item)
            {
                continue;
            }

            if (items.Count == query.Limit)
            {
                hasMore = true;
                break;
            }

            items.Add(item);
        }

        return Task.FromResult(new FleetPage(items, hasMore));
    }

    /// <summary>
    /// The expected counts move with every refresh, so no order is kept between queries: the matches are sorted per
    /// query (a shard holds a fraction of the fleet).
    /// </summary>
    private FleetPage ListByAvailable(FleetQuery query, DateTimeOffset now)
    {
        var matches = new List<StationListItem>();
        foreach (var s in _stations.Items.Values)
        {
            if (Item(s, query, now) is { } item)
            {
                matches.Add(item);
            }
        }

        matches.Sort((a, b) => FleetOrder.Compare(query, a, b));
        return new FleetPage(matches.Count > query.Limit ? matches.GetRange(0, query.Limit) : matches, matches.Count > query.Limit);
    }

    /// <summary>The station's row when it matches the query and comes after its cursor; null otherwise.</summary>
    private StationListItem? Item(StationSummary s, FleetQuery query, DateTimeOffset now)
    {
        var online = StationModel.IsOnline(s.LastSeen, now, _options.OfflineAfter);
        var alerts = StationModel.ActiveAlerts(s.Alerts, s.LastSeen, now, _options.OfflineAfter).Count;
        if (!Matches(query.Status, online, alerts))
        {
            return null;
        }

        // An offline station's forecast was made from snapshots it no longer sends: it promises nothing.
        var item = new StationListItem(s.StationId, s.LastSeen, online, s.SlotCounts, s.AvailableCharged, alerts) { Outlook = online ? s.Outlook : null };
        return FleetOrder.Includes(query, item) ? item : null;
    }

    public Task<IReadOnlyList<FleetAlert>> GetAlerts()
    {
        var now = _time.GetUtcNow();
        var result = new List<FleetAlert>();
        foreach (var id in _sortedIds.Of(_stations.Items))
        {
            var s = _stations.Items[id];
            result.AddRange(StationModel.ActiveAlerts(s.Alerts, s.LastSeen, now, _options.OfflineAfter).Select(a => new FleetAlert(id, a)));
        }

        return Task.FromResult<IReadOnlyList<FleetAlert>>(result);
    }

    public Task<FleetAlertPage> ListAlerts(FleetAlertQuery query)
    {
        var ids = _sortedIds.Of(_stations.Items);
        // The cursor's own station may still have alerts after it; stations before it have none to give.
        var start = SortedKeys.Start(ids, query.After?.StationId, inclusive: true);

        var now = _time.GetUtcNow();
        var items = new List<FleetAlert>(Math.Min(query.Limit, 64));
        for (var i = start; i < ids.Length; i++)
        {
            var s = _stations.Items[ids[i]];
            var alerts = StationModel.ActiveAlerts(s.Alerts, s.LastSeen, now, _options.OfflineAfter)
                .Select(a => new FleetAlert(s.StationId, a))
                .Where(a => query.After is null || AlertCursor.Of(a).CompareTo(query.After) > 0)
                .OrderBy(AlertCursor.Of);
            foreach (var alert in alerts)
            {
                if (items.Count == query.Limit)
                {
                    return Task.FromResult(new FleetAlertPage(items, HasMore: true));
                }

                items.Add(alert);
            }
        }

        return Task.FromResult(new FleetAlertPage(items, HasMore: false));
    }

    public Task<IReadOnlyList<StationSummary>> Watch(IFleetWatcher watcher)
    {
        _watchers.Subscribe(watcher);
        _watchTimer ??= this.RegisterGrainTimer(() =>
        {
            _watchers.Flush((int)this.GetPrimaryKeyLong());
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(FleetShardWatchers.FlushInterval, FleetShardWatchers.FlushInterval) { KeepAlive = false });
        return Task.FromResult<IReadOnlyList<StationSummary>>([.. _stations.Items.Values]);
    }

    public Task Unwatch(IFleetWatcher watcher)
    {
        _watchers.Unsubscribe(watcher);
        return Task.CompletedTask;
    }

    private static bool Matches(StationStatus? status, bool online, int alerts) => status switch
    {
        null => true,
        StationStatus.Online => online,
        StationStatus.Offline => !online,
        StationStatus.Alerting => alerts > 0,
        _ => false,
    };
}
