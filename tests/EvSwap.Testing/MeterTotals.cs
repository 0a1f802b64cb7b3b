using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EvSwap.Testing;

/// <summary>
/// Sums the measurements of one host's instruments from the moment it is created. Several hosts (test silos) share
/// a test process and meter names, and an exporter subscribed by name mixes them all; the meter factory of the host
/// (the meter's scope) is what tells them apart.
/// </summary>
public sealed class MeterTotals : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public MeterTotals(IMeterFactory hostMeters, string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && ReferenceEquals(instrument.Meter.Scope, hostMeters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        _listener.Start();
    }

    /// <summary>The sum of the instrument's measurements so far (for an up-down counter: its change since creation).</summary>
    public long this[string instrumentName] => _totals.GetValueOrDefault(instrumentName);

    public void Dispose() => _listener.Dispose();
}
