using System.Diagnostics.Metrics;
using EvSwap.Bridge;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace EvSwap.Testing;

/// <summary>
/// A test silo's bridge instruments as a metrics pipeline sees them: one <see cref="MetricCollector{T}"/> per instrument
/// of the <see cref="BridgeMetrics.MeterName"/> meter, listening from before the silo starts.
/// </summary>
public sealed class BridgeCounters : IDisposable
{
    private readonly MetricCollector<long> _received;
    private readonly MetricCollector<long> _accepted;
    private readonly MetricCollector<long> _duplicates;
    private readonly MetricCollector<long> _rejected;
    private readonly MetricCollector<long> _refused;
    private readonly MetricCollector<long> _reconnects;
    private readonly MetricCollector<long> _inFlight;
    private readonly MetricCollector<long> _connected;

    public BridgeCounters(IMeterFactory meters)
    {
        MetricCollector<long> Collect(string instrument) => new(meters, BridgeMetrics.MeterName, instrument);
        _received = Collect("evswap.bridge.received");
        _accepted = Collect("evswap.bridge.accepted");
        _duplicates = Collect("evswap.bridge.duplicates");
        _rejected = Collect("evswap.bridge.rejected");
        _refused = Collect("evswap.bridge.refused");
        _reconnects = Collect("evswap.bridge.reconnects");
        _inFlight = Collect("evswap.bridge.in_flight");
        _connected = Collect("evswap.bridge.connected");
    }

    public long Received => Sum(_received);
    public long Accepted => Sum(_accepted);
    public long Duplicates => Sum(_duplicates);
    public long Rejected => Sum(_rejected);
    public long Refused => Sum(_refused);
    public long Reconnects => Sum(_reconnects);
    public long InFlight => Observe(_inFlight);
    public long Connected => Observe(_connected);

    /// <summary>Rejections by their <c>reason</c> tag (a <c>RejectReason</c> name).</summary>
    public IReadOnlyDictionary<string, long> RejectedByReason => ByReason(_rejected);

    /// <summary>Refused attempts by their <c>reason</c> tag (<c>unarchived_budget</c>, <c>dead_letter_budget</c>).</summary>
    public IReadOnlyDictionary<string, long> RefusedByReason => ByReason(_refused);

    public void Dispose()
    {
        foreach (var c in new[] { _received, _accepted, _duplicates, _rejected, _refused, _reconnects, _inFlight, _connected })
        {
            c.Dispose();
        }
    }

    private static long Sum(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);

    private static long Observe(MetricCollector<long> collector)
    {
        collector.RecordObservableInstruments();
        return collector.LastMeasurement?.Value ?? 0;
    }

    private static Dictionary<string, long> ByReason(MetricCollector<long> collector) =>
        collector.GetMeasurementSnapshot()
            .GroupBy(m => m.Tags.TryGetValue("reason", out var reason) ? reason?.ToString() ?? "" : "")
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
}
