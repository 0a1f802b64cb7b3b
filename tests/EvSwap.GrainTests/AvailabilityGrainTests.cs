using EvSwap.Contracts;
using static EvSwap.GrainTests.DownlinkFixture;

namespace EvSwap.GrainTests;

[Collection(DownlinkCollection.Name)]
public class AvailabilityGrainTests(DownlinkFixture fixture)
{
    [Fact]
    public async Task The_forecast_counts_charged_batteries_not_held_plus_charging_slots_that_reach_charge_within_the_horizon()
    {
        var id = "st-" + Guid.NewGuid().ToString("N")[..12];
        var station = fixture.Grains.GetGrain<IStationGrain>(id);
        var downlink = fixture.Grains.GetGrain<IStationDownlinkGrain>(id);
        await station.Ingest(Envelope(id, 1, [Ready(1, "bat-a"), Ready(2, "bat-b"), Charging(3, "bat-c", 80), Charging(4, "bat-d", 20)]));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await station.Ingest(Envelope(id, 2, [Ready(1, "bat-a"), Ready(2, "bat-b"), Charging(3, "bat-c", 81.2), Charging(4, "bat-d", 21.2)]));
        await downlink.Reserve(new ReservationRequest("rider-1", null, null));

        var forecast = await downlink.GetAvailability(TimeSpan.FromMinutes(30));

        // Slot 3 is past the CC-CV knee: its rate falls with the charge still missing, 20.7 minutes to 95 %; slot 4 needs
        // 49 minutes to the knee and 23 more. One of two ready batteries is held.
        Assert.Equal((1, 1, 1, 2), (forecast.AvailableNow, forecast.ReservationsHeld, forecast.ChargedBy, forecast.Expected));
        var slot3 = forecast.Slots.Single(s => s.Slot == 3);
        Assert.Equal(1.2, slot3.PctPerMinute!.Value, precision: 6);
        Assert.Equal(Clock.GetUtcNow().AddMinutes((100 - 81.2) / 1.2 * Math.Log((100 - 81.2) / 5)), slot3.ChargedAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await downlink.GetAvailability(TimeSpan.FromMinutes(90))).ChargedBy);
    }

    [Fact]
    public async Task Recent_swaps_lower_the_forecast_by_the_swaps_expected_within_the_horizon()
    {
        var id = "st-" + Guid.NewGuid().ToString("N")[..12];
        var station = fixture.Grains.GetGrain<IStationGrain>(id);
        var slots = new[] { Ready(1, "bat-a"), Ready(2, "bat-b"), Ready(3, "bat-c") };
        await station.Ingest(Envelope(id, 1, slots));
        for (var seq = 2; seq <= 5; seq++)
        {
            Clock.Advance(TimeSpan.FromMinutes(5));
            var swap = new StationEvent { Type = EventTypes.Swap, At = Clock.GetUtcNow(), SlotIn = 4, BatteryIn = $"in-{seq}", SlotOut = 9, BatteryOut = $"out-{seq}" };
            await station.Ingest(Envelope(id, seq, slots, [swap]));
        }

        var forecast = await fixture.Grains.GetGrain<IStationDownlinkGrain>(id).GetAvailability(TimeSpan.FromMinutes(15));

        // Four swaps in the 20 minutes seen: 12 an hour, 3 in the next 15 minutes.
        Assert.Equal(12, forecast.SwapsPerHour, precision: 6);
        Assert.Equal((3, 0), (forecast.AvailableNow, forecast.Expected));
    }
}
