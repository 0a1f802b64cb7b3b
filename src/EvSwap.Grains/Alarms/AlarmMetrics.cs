using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// The <c>EvSwap.Alarms</c> meter: alarm events by kind and severity, open alarms (a gauge over the shards active in
/// this silo; summed over the silos it is the fleet's, since every shard is kept active by the sweepers), and webhook
/// delivery outcomes. What CloudWatch alarms are set on.
/// </summary>
public sealed class AlarmMetrics
{
    public const string MeterName = "EvSwap.Alarms";

    private readonly Counter<long> _events;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _writes;
    private readonly ConcurrentDictionary<long, IReadOnlyList<Alarm>> _open = new();

    public AlarmMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _events = meter.CreateCounter<long>("evswap.alarms.events", "{event}", "Alarm events (raised, acknowledged, cleared) by kind and severity.");
        _deliveries = meter.CreateCounter<long>("evswap.alarms.webhook.deliveries", "{delivery}", "Webhook delivery rounds by outcome (delivered, retrying, failed).");
        _writes = meter.CreateCounter<long>("evswap.alarms.shard.writes", "{write}", "Alarm shard state writes, by shard: changes that arrive during a write share the next one.");
        meter.CreateObservableGauge("evswap.alarms.open", ObserveOpen, "{alarm}", "Alarms not yet cleared, by kind, severity and state.");
    }

    public void Changed(AlarmChange change) => _events.Add(1,
        new KeyValuePair<string, object?>("event", change.Event),
        new KeyValuePair<string, object?>("kind", change.Alarm.Kind),
        new KeyValuePair<string, object?>("severity", change.Alarm.Severity));

    public void Written(long shard) => _writes.Add(1, new KeyValuePair<string, object?>("shard", shard));

    public void Delivery(string outcome) => _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A shard's open alarms now (empty when it deactivates).</summary>
    public void ShardOpen(long shard, IReadOnlyList<Alarm> open)
    {
        if (open.Count == 0)
        {
            _open.TryRemove(shard, out _);
        }
        else
        {
            _open[shard] = open;
        }
    }

    private IEnumerable<Measurement<long>> ObserveOpen() =>
        _open.Values.SelectMany(a => a)
            .GroupBy(a => (a.Kind, a.Severity, a.State))
            .Select(g => new Measurement<long>(g.Count(),
                new KeyValuePair<string, object?>("kind", g.Key.Kind),
                new KeyValuePair<string, object?>("severity", g.Key.Severity),
                new KeyValuePair<string, object?>("state", g.Key.State)));
}
