using EvSwap.Contracts;
using EvSwap.Grains;

namespace EvSwap.UnitTests;

public class ChargeRatesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static SlotReading Charging(int slot, string battery, double soc) => new() { Slot = slot, State = SlotStates.Charging, BatteryId = battery, SocPct = soc };

    [Fact]
    public void A_charging_slots_rate_is_its_soc_gain_per_minute_for_the_same_battery()
    {
        var rates = new ChargeRates();
        rates.Observe([Charging(1, "bat-a", 50)], T0);
        rates.Observe([Charging(1, "bat-a", 51.2)], T0.AddMinutes(1));

        Assert.Equal(1.2, rates.RateOf(1)!.Value, precision: 6);
    }

    [Fact]
    public void A_new_battery_in_the_slot_starts_without_a_rate()
    {
        var rates = new ChargeRates();
        rates.Observe([Charging(1, "bat-a", 50)], T0);
        rates.Observe([Charging(1, "bat-a", 51)], T0.AddMinutes(1));
        rates.Observe([Charging(1, "bat-b", 10)], T0.AddMinutes(2));

        Assert.Null(rates.RateOf(1));
    }

    [Fact]
    public void The_rate_follows_the_taper_as_the_battery_nears_full()
    {
        var rates = new ChargeRates();
        rates.Observe([Charging(1, "bat-a", 70)], T0);
        rates.Observe([Charging(1, "bat-a", 71.2)], T0.AddMinutes(1));
        var early = rates.RateOf(1)!.Value;
        for (var i = 2; i < 12; i++)
        {
            rates.Observe([Charging(1, "bat-a", 71.2 + (i - 1) * 0.3)], T0.AddMinutes(i));
        }

        Assert.True(rates.RateOf(1) < early / 2, $"rate {rates.RateOf(1)} after the taper, {early} before");
    }

    [Fact]
    public void The_swap_rate_counts_swaps_in_the_window_over_at_least_ten_minutes()
    {
        var rates = new ChargeRates();
        var swap = new StationEvent { Type = EventTypes.Swap, At = T0 };
        rates.ObserveSwaps([swap, swap with { At = T0.AddMinutes(1) }], T0);

        Assert.Equal(12, rates.SwapsPerHour(T0.AddMinutes(2), TimeSpan.FromHours(1)), precision: 6);
        Assert.Equal(0, rates.SwapsPerHour(T0.AddHours(2), TimeSpan.FromHours(1)));
    }
}
