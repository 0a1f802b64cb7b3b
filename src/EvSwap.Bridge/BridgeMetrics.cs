using System.Diagnostics.Metrics;
using EvSwap.Archive;
using EvSwap.Contracts;

namespace EvSwap.Bridge;

/// <summary>
/// The bridge's counters, published as OpenTelemetry-compatible instruments on the <c>EvSwap.Bridge</c> meter. Only what
/// an observable instrument reports (in flight, connected) is kept here; everything else is read through a metrics
/// pipeline (<c>/metrics</c>, OTLP, or a <c>MetricCollector</c> in tests).
/// </summary>
public sealed class BridgeMetrics
{
    public const string MeterName = "EvSwap.Bridge";

    private readonly Counter<long> _received;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _late;
    private readonly Counter<long> _rearchived;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _lag;
    private long _inFlight;
    private long _connected;

    public BridgeMetrics(IMeterFactory meterFactory, UnarchivedBudget budget, DeadLetterQueue deadLetters)
    {
        var meter = meterFactory.Create(MeterName);
        _received = meter.CreateCounter<long>("evswap.bridge.received", "{message}", "Messages received from the broker.");
        _accepted = meter.CreateCounter<long>("evswap.bridge.accepted", "{message}", "Messages applied by their station grain.");
        _duplicates = meter.CreateCounter<long>("evswap.bridge.duplicates", "{message}", "Messages whose (boot, seq) their station had seen before.");
        _late = meter.CreateCounter<long>("evswap.bridge.late", "{message}", "Accepted messages that arrived behind their station's newest (also counted as accepted).");
        _rearchived = meter.CreateCounter<long>("evswap.bridge.rearchived", "{message}", "Redelivered messages counted before but lost from memory unarchived, archived now.");
        _rejected = meter.CreateCounter<long>("evswap.bridge.rejected", "{message}", "Messages that failed validation, by reason.");
        _reconnects = meter.CreateCounter<long>("evswap.bridge.reconnects", "{connection}", "Broker reconnects after a lost connection.");
        _lag = meter.CreateHistogram<double>("evswap.bridge.lag", "ms", "Receive time minus station time.");
        _refused = meter.CreateCounter<long>("evswap.bridge.refused", "{attempt}",
            "Ingest attempts refused without acknowledging, by reason (unarchived_budget, dead_letter_budget); each is retried, nothing is dropped.");
        meter.CreateObservableGauge("evswap.bridge.unarchived_budget_use", () => budget.Use, "1",
            "Unarchived bytes held by this silo's stations as a share of Archive:MaxUnarchivedBytesPerSilo; at 1 ingest refuses.");
        meter.CreateObservableGauge("evswap.bridge.dead_letter_budget_use", () => deadLetters.Use, "1",
            "Dead letters held for the archive as a share of Archive:MaxRejectedBytesPerSilo; at 1 invalid messages are refused.");
        meter.CreateObservableUpDownCounter("evswap.bridge.in_flight", () => Interlocked.Read(ref _inFlight), "{message}", "Messages received and not yet acknowledged.");
        meter.CreateObservableUpDownCounter("evswap.bridge.connected", () => Interlocked.Read(ref _connected), "{connection}", "Broker connections currently up; below Mqtt:Connections means a link is down.");
    }

    public long InFlight => Interlocked.Read(ref _inFlight);

    public void OnReceived()
    {
        Interlocked.Increment(ref _inFlight);
        _received.Add(1);
    }

    public void OnAcknowledged() => Interlocked.Decrement(ref _inFlight);

    public void OnAccepted(TimeSpan lag)
    {
        _accepted.Add(1);
        _lag.Record(lag.TotalMilliseconds);
    }

    public void OnLate(TimeSpan lag)
    {
        OnAccepted(lag);
        _late.Add(1);
    }

    public void OnRearchived()
    {
        _rearchived.Add(1);
    }

    public void OnDuplicate()
    {
        _duplicates.Add(1);
    }

    public void OnRejected(IEnumerable<RejectReason> reasons)
    {
        // A message counts once per distinct reason, so the per-reason counts explain every rejection.
        foreach (var reason in reasons.Distinct())
        {
            _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
        }
    }

    public void OnRefused(RefusalReason reason)
    {
        _refused.Add(1, new KeyValuePair<string, object?>("reason", reason == RefusalReason.UnarchivedBudget ? "unarchived_budget" : "dead_letter_budget"));
    }

    public void OnConnected() => Interlocked.Increment(ref _connected);

    public void OnDisconnected() => Interlocked.Decrement(ref _connected);

    public void OnReconnect()
    {
        _reconnects.Add(1);
    }
}
