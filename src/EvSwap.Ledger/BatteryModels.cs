namespace EvSwap.Ledger;

/// <summary>
/// Capacity per battery model, from configuration. The energy of a battery is nominal capacity x state of health x
/// state of charge: a worn battery at 100 % holds less than a new one, and the rider is billed for what it holds.
/// </summary>
public sealed class BatteryModels(LedgerOptions options)
{
    private readonly BatteryModel[] _byPrefixLength = [.. options.BatteryModels.OrderByDescending(m => m.IdPrefix.Length)];

    public double CapacityKwh(string? batteryId) => ModelOf(batteryId)?.CapacityKwh ?? options.DefaultCapacityKwh;

    /// <summary>The configured model the id belongs to (longest matching prefix), or null for one that matches none.</summary>
    public BatteryModel? ModelOf(string? batteryId)
    {
        if (batteryId is not null)
        {
            foreach (var model in _byPrefixLength)
            {
                if (batteryId.StartsWith(model.IdPrefix, StringComparison.Ordinal))
                {
                    return model;
                }
            }
        }

        return null;
    }

    /// <summary>Energy in kWh the rider left with minus what the rider brought back; null if a state of charge is unknown.</summary>
    public double? EnergyHandedOver(SwapEvent e)
    {
        if (e.SocOutPct is not { } socOut || e.SocInPct is not { } socIn)
        {
            return null;
        }

        var energy = Energy(e.BatteryOut, socOut, e.SohOutPct) - Energy(e.BatteryIn, socIn, e.SohInPct);
        return Math.Round(energy, 4);
    }

    private double Energy(string? batteryId, double socPct, double? sohPct) =>
        CapacityKwh(batteryId) * (sohPct ?? 100) / 100 * socPct / 100;
}
