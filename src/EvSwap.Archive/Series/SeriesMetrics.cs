using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>
/// The telemetry figures a series can chart: per-slot readings (one series per slot) and station-wide ones. The names are
/// the telemetry contract's field names, so a chart's metric reads as the payload it came from.
/// </summary>
public static class SeriesMetrics
{
    public const string SocPct = "socPct";
    public const string TempC = "tempC";
    public const string SohPct = "sohPct";
    public const string GridPowerKw = "gridPowerKw";
    public const string AmbientC = "ambientC";

    /// <summary>Slot 0 stands for "the station" in series keys; real slots are numbered from 1.</summary>
    public const int StationSlot = 0;

    public static readonly IReadOnlyList<string> SlotMetrics = [SocPct, TempC, SohPct];
    public static readonly IReadOnlyList<string> StationMetrics = [GridPowerKw, AmbientC];
    public static readonly IReadOnlyList<string> All = [.. SlotMetrics, .. StationMetrics];

    public static bool IsKnown(string metric) => All.Contains(metric, StringComparer.Ordinal);

    public static bool IsPerSlot(string metric) => SlotMetrics.Contains(metric, StringComparer.Ordinal);

    /// <summary>Every (metric, slot, value) a message carries; a slot without a battery has no readings.</summary>
    public static IEnumerable<(string Metric, int Slot, double Value)> Points(TelemetryMessage message)
    {
        if (message.GridPowerKw is { } grid)
        {
            yield return (GridPowerKw, StationSlot, grid);
        }

        if (message.AmbientC is { } ambient)
        {
            yield return (AmbientC, StationSlot, ambient);
        }

        foreach (var slot in message.Slots ?? [])
        {
            if (slot.SocPct is { } soc)
            {
                yield return (SocPct, slot.Slot, soc);
            }

            if (slot.TempC is { } temp)
            {
                yield return (TempC, slot.Slot, temp);
            }

            if (slot.SohPct is { } soh)
            {
                yield return (SohPct, slot.Slot, soh);
            }
        }
    }
}
