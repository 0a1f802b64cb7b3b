using EvSwap.Contracts;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>
/// One shard of the battery index: the summaries of the batteries whose id hashes here. A fleet-wide battery query reads
/// <see cref="BatteryOptions.IndexShards"/> shards and never activates a battery grain. The summaries are stored in
/// chunks of bounded size (<see cref="WriteBehindIndex{T}"/>), so no stored item grows with the fleet. It also keeps
/// the dockings of batteries taken without their grains (<see cref="IndexDocking"/>) until each grain stores its own.
/// </summary>
public sealed class BatteryIndexShardGrain : Grain, IBatteryIndexShardGrain
{
    /// <summary>The single item that held a shard before it was chunked, read once to take its batteries over.</summary>
    private const string StateName = "battery-index";

    private readonly IPersistentState<BatteryIndexShardState> _legacy;
    private readonly WriteBehindIndex<BatterySummary> _batteries;
    private readonly BatteryOptions _options;
    private readonly AlarmRuleOptions _rules;
    private readonly BatteryMetrics _metrics;
    private readonly TimeProvider _time;
    private static readonly UpsertAnswer NothingHeld = new(null, 0);

    private readonly SortedKeys _sortedIds = new();

    public BatteryIndexShardGrain(
        [PersistentState(StateName, BatteryGrain.StorageName)] IPersistentState<BatteryIndexShardState> legacy,
        IServiceProvider services,
        IOptions<BatteryOptions> options,
        IOptions<AlarmOptions> alarms,
        BatteryMetrics metrics,
        TimeProvider time)
    {
        _rules = alarms.Value.Rules;
        _metrics = metrics;
        _legacy = legacy;
        _batteries = new WriteBehindIndex<BatterySummary>(services, BatteryGrain.StorageName, StateName, time);
        _options = options.Value;
        _time = time;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken) => _batteries.ActivateAsync(this, _legacy, legacy => legacy.Batteries);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _batteries.FlushAsync(cancellationToken);

    public Task<UpsertAnswer> Upsert(BatterySummary summary, BatteryEvent? settled)
    {
        // Only this shard records a docking; a summary from elsewhere never brings one.
        summary = summary.Docking is null ? summary : summary with { Docking = null };
        if (!_batteries.Items.TryGetValue(summary.BatteryId, out var existing))
        {
            // A battery may sit in one slot for weeks and send nothing new: a crash must not forget it.
            _sortedIds.Invalidate();
            _batteries.Set(summary.BatteryId, summary);
            return Task.FromResult(new UpsertAnswer(null, _batteries.NextWrite));
        }

        if (existing.Docking is { } docking && docking != settled)
        {
            // The grain has not stored this docking (it had state before the docking came here): it takes it now.
            _batteries.Set(summary.BatteryId, summary with { Docking = docking });
            return Task.FromResult(new UpsertAnswer(docking, 0));
        }

        if (existing.Updated <= summary.Updated || existing.Docking is not null)
        {
            _batteries.Set(summary.BatteryId, summary);
        }

        return Task.FromResult(NothingHeld);
    }

    public Task<DockingAnswer> Dock(IReadOnlyList<BatteryEvent> dockings)
    {
        List<BatteryEvent>? refused = null;
        var taken = 0;
        var repeated = false;
        var now = _time.GetUtcNow();
        foreach (var docking in dockings)
        {
            if (_batteries.Items.TryGetValue(docking.BatteryId, out var known))
            {
                // Taken before (a station handing it over again): answered once it is stored, like the first time.
                repeated |= known.Docking == docking;
                if (known.Docking != docking)
                {
                    (refused ??= []).Add(docking);
                }

                continue;
            }

            if (IndexDocking.SummaryOf(docking, _options, _rules, now) is not { } summary)
            {
                (refused ??= []).Add(docking);
                continue;
            }

            _sortedIds.Invalidate();
            _batteries.Set(docking.BatteryId, summary);
            taken++;
        }

        if (repeated && taken == 0)
        {
            _batteries.WriteSoon();
        }

        _metrics.DockedInIndex(taken);
        var write = taken > 0 || repeated ? _batteries.NextWrite : 0;
        return Task.FromResult(new DockingAnswer(refused ?? [], write));
    }

    public Task Stored(long write) => _batteries.WhenStoredAsync(write);

    public Task<BatteryEvent?> DockingOf(string batteryId) =>
        Task.FromResult(_batteries.Items.TryGetValue(batteryId, out var summary) ? summary.Docking : null);

    public Task<bool> Contains(string batteryId) => Task.FromResult(_batteries.Items.ContainsKey(batteryId));

    public Task<BatteryPage> List(BatteryQuery query)
    {
        var ids = _sortedIds.Of(_batteries.Items);
        var start = SortedKeys.Start(ids, query.After);

        var now = _time.GetUtcNow();
        var items = new List<BatterySummary>(Math.Min(query.Limit, ids.Length));
        for (var i = start; i < ids.Length; i++)
        {
            var b = WithDerived(_batteries.Items[ids[i]], now);
            if (!Matches(query, b))
            {
                continue;
            }

            if (items.Count == query.Limit)
            {
                return Task.FromResult(new BatteryPage(items, HasMore: true));
            }

            items.Add(b);
        }

        return Task.FromResult(new BatteryPage(items, HasMore: false));
    }

    private BatterySummary WithDerived(BatterySummary b, DateTimeOffset now) =>
        BatteryBook.IsPossiblyLost(b.Custody, now, _options) ? b with { Anomalies = [.. b.Anomalies, BatteryAnomalyKinds.PossiblyLost] } : b;

    private static bool Matches(BatteryQuery q, BatterySummary b) =>
        (q.Status is null || q.Status == b.Custody.Status)
        && (q.Anomaly is null || b.Anomalies.Contains(q.Anomaly))
        && (q.SohBelow is null || b.SohPct < q.SohBelow)
        && (q.StationId is null || (b.Custody.StationId == q.StationId && b.Custody.Status == BatteryStatuses.InStation));
}
