using EvSwap.Contracts;
using EvSwap.Ledger;

namespace EvSwap.Grains;

/// <summary>The passport's dynamic data from what the battery grain knows; each field's source is in docs/batteries.md.</summary>
public static class BatteryPassports
{
    public static BatteryPassport Of(string batteryId, BatteryState state, BatteryModels models, DateTimeOffset now, BatteryOptions options)
    {
        var rated = models.CapacityKwh(batteryId);
        var soh = state.Latest?.SohPct;
        var custody = BatteryBook.CustodyOf(state);
        var status = BatteryBook.IsPossiblyLost(custody, now, options) ? BatteryAnomalyKinds.PossiblyLost : custody.Status;
        return new BatteryPassport(
            batteryId,
            models.ModelOf(batteryId)?.Name,
            rated,
            soh,
            soh is { } s ? Math.Round(rated * s / 100, 4) : null,
            soh is { } f ? Math.Round(100 - f, 2) : null,
            state.Latest?.Cycles,
            state.Latest?.SocPct,
            state.PeakTempC,
            state.OverTemperatureReadings,
            state.FirstSeen is { } first ? Math.Max(0, (now - first).TotalSeconds) : 0,
            status,
            state.Latest?.At);
    }
}
