using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// The availability forecast of one station: charged batteries not held now, charging ones carried forward on the
/// charge curve (<see cref="ChargeCurve"/>) at their measured rate (<see cref="ChargeRates"/>), less the recent swap
/// rate. Ready-by reservations use the same <see cref="ChargedAt"/>.
/// </summary>
public sealed class StationForecaster(string stationId, ReservationBook reservations, ChargeRates rates, DownlinkContext context)
{
    public AvailabilityForecast Forecast(IReadOnlyList<SlotReading> slots, TimeSpan horizon, DateTimeOffset now)
    {
        var (available, charging, swapsPerHour) = Measure(slots, now);
        var by = now + horizon;
        var chargedBy = charging.Count(s => !s.Held && s.ChargedAt <= by);
        var expectedSwaps = swapsPerHour * horizon.TotalHours;
        return new AvailabilityForecast(stationId, by, horizon, available, reservations.Active.Count(), chargedBy, swapsPerHour, expectedSwaps,
            Expected(available, chargedBy, expectedSwaps), charging);
    }

    /// <summary>The forecast at the fleet list's fixed horizons, for the station's index entry.</summary>
    public AvailabilityOutlook Outlook(IReadOnlyList<SlotReading> slots, DateTimeOffset now)
    {
        var (available, charging, swapsPerHour) = Measure(slots, now);
        int In(int minutes) => Expected(available, charging.Count(s => !s.Held && s.ChargedAt <= now.AddMinutes(minutes)), swapsPerHour * minutes / 60.0);
        return new AvailabilityOutlook(In(15), In(30), In(60), now);
    }

    /// <summary>When a charging slot's battery reaches the charged level at its measured rate; null while no rising rate is known.</summary>
    public DateTimeOffset? ChargedAt(SlotReading slot, DateTimeOffset now)
    {
        if (slot.SocPct is not { } soc)
        {
            return null;
        }

        var charged = context.ChargedSocPct;
        return soc >= charged ? now
            : rates.RateOf(slot.Slot) is { } rate && ChargeCurve.MinutesTo(soc, rate, charged) is { } minutes ? now + TimeSpan.FromMinutes(minutes)
            : null;
    }

    /// <summary>Charged and not held now; each charging slot with the time it reaches the charged level; the recent swap rate.</summary>
    private (int Available, List<SlotForecast> Charging, double SwapsPerHour) Measure(IReadOnlyList<SlotReading> slots, DateTimeOffset now)
    {
        var overlaid = reservations.Overlay(slots);
        List<SlotForecast> charging = [];
        foreach (var slot in overlaid)
        {
            if (slot.State == SlotStates.Charging && slot.SocPct is { } soc)
            {
                charging.Add(new SlotForecast(slot.Slot, soc, rates.RateOf(slot.Slot), ChargedAt(slot, now)) { Held = reservations.IsHeld(slot) });
            }
        }

        return (StationModel.AvailableCharged(overlaid, context.ChargedSocPct), charging, rates.SwapsPerHour(now, context.Options.SwapRateWindow));
    }

    private static int Expected(int available, int chargedBy, double expectedSwaps) => (int)Math.Max(0, Math.Floor(available + chargedBy - expectedSwaps));
}
