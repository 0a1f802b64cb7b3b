using System.Diagnostics.Metrics;

namespace EvSwap.Ledger;

/// <summary>The ledger's meter: store requests (what docs/cost.md counts per swap), records written, failures, queue depth.</summary>
public sealed class LedgerMetrics
{
    public const string MeterName = "EvSwap.Ledger";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _records;
    private readonly Counter<long> _failures;

    public LedgerMetrics(IMeterFactory meters)
        : this(meters.Create(MeterName))
    {
    }

    /// <summary>For a store used outside a host (tools, tests).</summary>
    public LedgerMetrics()
        : this(new Meter(MeterName))
    {
    }

    private LedgerMetrics(Meter meter)
    {
        _requests = meter.CreateCounter<long>("evswap.ledger.store.requests", description: "Write requests made to the swap store");
        _records = meter.CreateCounter<long>("evswap.ledger.records.written", description: "Swap records written (a record written again after a retry counts again)");
        _failures = meter.CreateCounter<long>("evswap.ledger.store.failures", description: "Failed swap store writes (each is retried)");
        meter.CreateObservableGauge("evswap.ledger.queued", () => Queued, description: "Swap records waiting for the store");
    }

    /// <summary>Set by the writer; observed by the gauge.</summary>
    public long Queued { get; set; }

    public void StoreRequest(string store, int records)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("store", store));
        _records.Add(records);
    }

    public void StoreFailed() => _failures.Add(1);
}
