using System.Diagnostics.Metrics;

namespace EvSwap.Grains;

/// <summary>Station-side instruments on the <c>EvSwap.Stations</c> meter: what operators alarm on.</summary>
public sealed class StationMetrics
{
    public const string MeterName = "EvSwap.Stations";

    private readonly Counter<long> _alertsRaised;
    private readonly Counter<long> _archiveWrites;
    private readonly Counter<long> _stateWrites;

    public StationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _alertsRaised = meter.CreateCounter<long>("evswap.alerts.raised", "{alert}", "Alerts raised by stations, by type (over-temperature, slot-fault).");
        _archiveWrites = meter.CreateCounter<long>("evswap.archive.writes", "{object}", "Telemetry batches written to the archive.");
        _stateWrites = meter.CreateCounter<long>("evswap.state.writes", "{write}", "Station state writes to grain storage.");
    }

    public void AlertRaised(string kind) => _alertsRaised.Add(1, new KeyValuePair<string, object?>("type", kind));

    public void ArchiveWritten() => _archiveWrites.Add(1);

    public void StateWritten() => _stateWrites.Add(1);
}
