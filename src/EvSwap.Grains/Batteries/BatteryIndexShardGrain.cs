using EvSwap.Contracts;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

[GenerateSerializer]
public sealed class BatteryIndexShardState
{
    [Id(0)] public Dictionary<string, BatterySummary> Batteries { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One shard of the battery index: the summaries of the batteries whose id hashes here. A fleet-wide battery query reads
/// <see cref="BatteryOptions.IndexShards"/> shards and never activates a battery grain. A shard is one stored item:
/// about 150 bytes per battery, so a 400 KB DynamoDB item holds about 2,000 batteries and the shard count is sized to
/// the fleet (docs/batteries.md).
/// </summary>
public sealed class BatteryIndexShardGrain : Grain, IBatteryIndexShardGrain
{
    private static readonly TimeSpan PersistInterval = TimeSpan.FromSeconds(30);

    private readonly WriteBehindState<BatteryIndexShardState> _state;
    private readonly BatteryOptions _options;
    private readonly TimeProvider _time;
    private readonly SortedKeys _sortedIds = new();

    public BatteryIndexShardGrain(
        [PersistentState("battery-index", BatteryGrain.StorageName)] IPersistentState<BatteryIndexShardState> state,
        IOptions<BatteryOptions> options,
        TimeProvider time)
    {
        _state = new WriteBehindState<BatteryIndexShardState>(state, PersistInterval, time);
        _options = options.Value;
        _time = time;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state.Start(this);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _state.FlushAsync(cancellationToken);

    public Task Upsert(BatterySummary summary)
    {
        var batteries = _state.State.Batteries;
        if (!batteries.TryGetValue(summary.BatteryId, out var existing))
        {
            _sortedIds.Invalidate();
        }

        if (existing is null)
        {
            // A battery may sit in one slot for weeks and send nothing new: a crash must not forget it.
            batteries[summary.BatteryId] = summary;
            _state.ChangedSoon(batteries.Count);
        }
        else if (existing.Updated <= summary.Updated)
        {
            batteries[summary.BatteryId] = summary;
            _state.Changed();
        }

        return Task.CompletedTask;
    }

    public Task<bool> Contains(string batteryId) => Task.FromResult(_state.State.Batteries.ContainsKey(batteryId));

    public Task<BatteryPage> List(BatteryQuery query)
    {
        var ids = _sortedIds.Of(_state.State.Batteries);
        var start = SortedKeys.Start(ids, query.After);

        var now = _time.GetUtcNow();
        var items = new List<BatterySummary>(Math.Min(query.Limit, ids.Length));
        for (var i = start; i < ids.Length; i++)
        {
            var b = WithDerived(_state.State.Batteries[ids[i]], now);
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
