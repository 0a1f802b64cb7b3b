using System.Diagnostics.Metrics;

namespace EvSwap.Grains;

/// <summary>Battery grain calls, the events they carried, repeats ignored, state writes and dockings kept by the index: the cost figures in docs/batteries.md.</summary>
public sealed class BatteryMetrics
{
    public const string MeterName = "EvSwap.Batteries";

    private readonly Counter<long> _calls;
    private readonly Counter<long> _events;
    private readonly Counter<long> _repeated;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _paced;
    private readonly Counter<long> _indexDockings;
    private readonly Counter<long> _adopted;

    public BatteryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _calls = meter.CreateCounter<long>("evswap.battery.calls", description: "Calls to battery grains (one per battery per hand-over)");
        _events = meter.CreateCounter<long>("evswap.battery.events", description: "Battery events handed to battery grains");
        _repeated = meter.CreateCounter<long>("evswap.battery.repeated", description: "Battery events ignored because they had been applied");
        _writes = meter.CreateCounter<long>("evswap.battery.writes", description: "Battery grain state writes");
        _paced = meter.CreateCounter<long>("evswap.battery.paced", description: "Battery grain calls that waited for the silo's per-second budget (Ledger:Batteries:MaxCallsPerSecond)");
        _indexDockings = meter.CreateCounter<long>("evswap.battery.index_dockings", description: "Dockings of batteries never seen before that their index shards took without activating the battery grains");
        _adopted = meter.CreateCounter<long>("evswap.battery.index_dockings_adopted", description: "Dockings held by an index shard that the battery's grain took over");
    }

    public void Called(int events)
    {
        _calls.Add(1);
        _events.Add(events);
    }

    public void Repeated(int events) => _repeated.Add(events);

    public void Written() => _writes.Add(1);

    public void Paced() => _paced.Add(1);

    public void DockedInIndex(int dockings) => _indexDockings.Add(dockings);

    public void Adopted() => _adopted.Add(1);
}
