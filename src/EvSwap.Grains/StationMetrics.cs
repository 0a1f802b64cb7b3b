using System.Diagnostics.Metrics;
using EvSwap.Archive;

namespace EvSwap.Grains;

/// <summary>
/// Station-side instruments on the <c>EvSwap.Stations</c> meter: what operators alarm on. The backlog also feeds the
/// silo's <see cref="UnarchivedBudget"/>, so the bound needs nothing from the grains beyond what they report here.
/// </summary>
public sealed class StationMetrics
{
    public const string MeterName = "EvSwap.Stations";
    public const string ArchiveWriteFailuresName = "evswap.archive.write_failures";
    public const string ArchiveBacklogName = "evswap.archive.backlog";

    private readonly Counter<long> _alertsRaised;
    private readonly Counter<long> _archiveWrites;
    private readonly Counter<long> _archiveWriteFailures;
    private readonly UpDownCounter<long> _archiveBacklog;
    private readonly Counter<long> _stateWrites;
    private readonly UnarchivedBudget _budget;

    public StationMetrics(IMeterFactory meterFactory, UnarchivedBudget budget)
    {
        _budget = budget;
        var meter = meterFactory.Create(MeterName);
        _alertsRaised = meter.CreateCounter<long>("evswap.alerts.raised", "{alert}", "Alerts raised by stations, by type (over-temperature, slot-fault).");
        _archiveWrites = meter.CreateCounter<long>("evswap.archive.writes", "{object}", "Telemetry batches written to the archive.");
        _archiveWriteFailures = meter.CreateCounter<long>(ArchiveWriteFailuresName, "{failure}", "Telemetry batch writes the archive refused or did not answer; each is retried with backoff.");
        _archiveBacklog = meter.CreateUpDownCounter<long>(ArchiveBacklogName, "By",
            "Raw telemetry bytes held by station grains and not yet archived. A station refuses new messages once it holds Archive:MaxPendingBytes, the silo once it holds Archive:MaxUnarchivedBytesPerSilo.");
        _stateWrites = meter.CreateCounter<long>("evswap.state.writes", "{write}", "Station state writes to grain storage.");
    }

    public void AlertRaised(string kind) => _alertsRaised.Add(1, new KeyValuePair<string, object?>("type", kind));

    public void ArchiveWritten() => _archiveWrites.Add(1);

    public void ArchiveWriteFailed() => _archiveWriteFailures.Add(1);

    /// <summary>Adds the change in one station's unarchived bytes; summed over the silo it is the silo's backlog.</summary>
    public void ArchiveBacklogChanged(long deltaBytes)
    {
        if (deltaBytes != 0)
        {
            _archiveBacklog.Add(deltaBytes);
            _budget.Add(deltaBytes);
        }
    }

    public void StateWritten() => _stateWrites.Add(1);
}
