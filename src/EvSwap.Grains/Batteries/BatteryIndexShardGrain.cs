using EvSwap.Contracts;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>
/// One shard of the battery index: the summaries of the batteries whose id hashes here. A fleet-wide battery query reads
/// <see cref="BatteryOptions.IndexShards"/> shards and never activates a battery grain. The summaries are stored in
/// chunks of bounded size (<see cref="WriteBehindIndex{T}"/>), so no stored item grows with the fleet.
/// </summary>
public sealed class BatteryIndexShardGrain : Grain, IBatteryIndexShardGrain
{
    /// <summary>The single item that held a shard before it was chunked, read once to take its batteries over.</summary>
    private const string StateName = "battery-index";

    private readonly IPersistentState<BatteryIndexShardState> _legacy;
    private readonly WriteBehindIndex<BatterySummary> _batteries;
    private readonly BatteryOptions _options;
    private readonly TimeProvider _time;
    private readonly SortedKeys _sortedIds = new();

    public BatteryIndexShardGrain(
        [PersistentState(StateName, BatteryGrain.StorageName)] IPersistentState<BatteryIndexShardState> legacy,
        IServiceProvider services,
        IOptions<BatteryOptions> options,
        TimeProvider time)
    {
        _legacy = legacy;
        _batteries = new WriteBehindIndex<BatterySummary>(services, BatteryGrain.StorageName, StateName, time);
        _options = options.Value;
        _time = time;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken) => _batteries.ActivateAsync(this, _legacy, legacy => legacy.Batteries);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _batteries.FlushAsync(cancellationToken);

    public Task Upsert(BatterySummary summary)
    {
        if (!_batteries.Items.TryGetValue(summary.BatteryId, out var existing))
        {
            // A battery may sit in one slot for weeks and send nothing new: a crash must not forget it.
            _sortedIds.Invalidate();
            _batteries.Set(summary.BatteryId, summary);
        }
        else if (existing.Updated <= summary.Updated)
        {
            _batteries.Set(summary.BatteryId, summary);
        }

        return Task.CompletedTask;
    }

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
