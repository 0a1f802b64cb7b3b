using EvSwap.Contracts;
using static EvSwap.GrainTests.DownlinkFixture;

namespace EvSwap.GrainTests;

/// <summary>Reservations for a battery ready by a given time, decided on the availability forecast's charge curve (fake clock).</summary>
[Collection(DownlinkCollection.Name)]
public class ReadyByReservationGrainTests(DownlinkFixture fixture)
{
    /// <summary>A station reporting twice a minute apart, so its charging slots have a measured rate; returns the grains.</summary>
    private async Task<(string Id, IStationGrain Station, IStationDownlinkGrain Downlink)> ChargingStationAsync(Func<int, SlotReading[]> slotsAtMinute)
    {
        var id = "st-" + Guid.NewGuid().ToString("N")[..12];
        var station = fixture.Grains.GetGrain<IStationGrain>(id);
        await station.Ingest(Envelope(id, 1, slotsAtMinute(0)));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await station.Ingest(Envelope(id, 2, slotsAtMinute(1)));
        return (id, station, fixture.Grains.GetGrain<IStationDownlinkGrain>(id));
    }

    private static Task<ReservationOutcome> ReserveAsync(IStationDownlinkGrain grain, TimeSpan readyIn, string rider = "rider-1") =>
        grain.Reserve(new ReservationRequest(rider, null, null) { ReadyBy = Clock.GetUtcNow() + readyIn });

    [Fact]
    public async Task A_ready_by_reservation_holds_a_charging_battery_charged_in_time_and_asks_the_station_once_a_snapshot_shows_it_charged()
    {
        // At 1 %/min: bat-b (86 %, past the knee) reaches 95 % in 14.4 minutes, bat-c (41 %) in 66.7.
        var (id, station, grain) = await ChargingStationAsync(m => [Ready(1, "bat-a"), Charging(2, "bat-b", 85 + m), Charging(3, "bat-c", 40 + m)]);
        var readyBy = Clock.GetUtcNow() + TimeSpan.FromMinutes(20);

        var reservation = (await grain.Reserve(new ReservationRequest("rider-1", null, null) { ReadyBy = readyBy })).Reservation!;

        Assert.Equal((2, "bat-b", ReservationStatus.Pending, "", readyBy, readyBy + TimeSpan.FromMinutes(10)),
            (reservation.Slot, reservation.BatteryId, reservation.Status, reservation.CommandId, reservation.ReadyBy, reservation.ExpiresAt));
        Assert.Equal(Clock.GetUtcNow().AddMinutes(14 * Math.Log(14 / 5.0)), reservation.ExpectedChargedAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Empty(Link.PublishedTo(id));
        var forecast = await grain.GetAvailability(TimeSpan.FromMinutes(30));
        Assert.Equal((1, 0), (forecast.AvailableNow, forecast.ChargedBy));
        Assert.True(forecast.Slots.Single(s => s.Slot == 2).Held);
        // bat-c will not be charged in time: the next rider gets the battery charged now, never bat-b.
        var second = (await grain.Reserve(new ReservationRequest("rider-2", null, null) { ReadyBy = readyBy })).Reservation!;
        Assert.Equal("bat-a", second.BatteryId);

        Clock.Advance(TimeSpan.FromMinutes(15));
        await station.Ingest(Envelope(id, 3, [Ready(1, "bat-a"), Ready(2, "bat-b", 96), Charging(3, "bat-c", 56)]));

        var hold = Assert.Single(Link.PublishedTo(id), c => c.Type == CommandTypes.ReserveSlot && c.ReservationId == reservation.ReservationId);
        Assert.Equal((2, "bat-b", reservation.ExpiresAt), (hold.Slot, hold.BatteryId, hold.HoldUntil));
        await grain.ReportResult(new CommandResult { Schema = CommandResult.SchemaV1, StationId = id, CommandId = hold.CommandId, Status = CommandResultStatuses.Succeeded, Ts = Clock.GetUtcNow() });
        var confirmed = (await grain.GetReservation(reservation.ReservationId))!;
        Assert.Equal((ReservationStatus.Confirmed, hold.CommandId), (confirmed.Status, confirmed.CommandId));
    }

    [Fact]
    public async Task A_ready_by_reservation_fails_at_ready_by_when_its_battery_is_not_charged_and_frees_the_slot()
    {
        var (id, station, grain) = await ChargingStationAsync(m => [Charging(1, "bat-b", 85 + m)]);
        var reservation = (await ReserveAsync(grain, TimeSpan.FromMinutes(20))).Reservation!;

        // The charger slowed down: still charging at readyBy.
        Clock.Advance(TimeSpan.FromMinutes(10));
        await station.Ingest(Envelope(id, 3, [Charging(1, "bat-b", 88)]));
        Assert.Equal(ReservationStatus.Pending, (await grain.GetReservation(reservation.ReservationId))!.Status);
        Clock.Advance(TimeSpan.FromMinutes(10));

        var failed = (await grain.GetReservation(reservation.ReservationId))!;
        Assert.Equal(ReservationStatus.Failed, failed.Status);
        Assert.Contains("not charged by readyBy", failed.Reason);
        Assert.DoesNotContain(Link.PublishedTo(id), c => c.ReservationId == reservation.ReservationId);
        Assert.False((await grain.GetAvailability(TimeSpan.FromMinutes(15))).Slots.Single().Held);
    }

    [Fact]
    public async Task A_ready_by_time_no_battery_will_be_charged_by_is_refused_as_unavailable_and_a_later_one_is_held()
    {
        // bat-x (51 % at 1 %/min) is charged in 29 + 27.7 minutes; bat-y does not charge at all.
        var (_, _, grain) = await ChargingStationAsync(m => [Charging(1, "bat-x", 50 + m), Charging(2, "bat-y", 10)]);

        var outcome = await ReserveAsync(grain, TimeSpan.FromMinutes(30));

        Assert.Null(outcome.Reservation);
        Assert.Contains("no charging one that its forecast brings there by", outcome.Unavailable);
        Assert.Equal("bat-x", (await ReserveAsync(grain, TimeSpan.FromMinutes(60))).Reservation?.BatteryId);
    }

    [Fact]
    public async Task A_ready_by_time_in_the_past_or_beyond_the_forecast_horizon_is_invalid()
    {
        var (_, _, grain) = await ChargingStationAsync(_ => [Ready(1, "bat-a")]);

        var past = await ReserveAsync(grain, TimeSpan.FromSeconds(-1));
        var now = await ReserveAsync(grain, TimeSpan.Zero);
        var tooFar = await ReserveAsync(grain, TimeSpan.FromMinutes(61));

        Assert.Contains("not in the future", past.Invalid);
        Assert.Contains("not in the future", now.Invalid);
        Assert.Contains("Downlink:MaxReadyByAhead", tooFar.Invalid);
        Assert.All([past, now, tooFar], o => Assert.Null(o.Reservation));
    }

    [Fact]
    public async Task Without_a_charging_battery_in_time_a_ready_by_reservation_holds_a_charged_one_until_ready_by_plus_ttl()
    {
        var (id, _, grain) = await ChargingStationAsync(_ => [Ready(1, "bat-a", 97), Charging(2, "bat-z", 10)]);
        var readyBy = Clock.GetUtcNow() + TimeSpan.FromMinutes(30);

        var reservation = (await grain.Reserve(new ReservationRequest("rider-1", TimeSpan.FromMinutes(5), null) { ReadyBy = readyBy })).Reservation!;

        Assert.Equal((1, "bat-a", readyBy + TimeSpan.FromMinutes(5), (DateTimeOffset?)null), (reservation.Slot, reservation.BatteryId, reservation.ExpiresAt, reservation.ExpectedChargedAt));
        var hold = Assert.Single(Link.PublishedTo(id));
        Assert.Equal((reservation.CommandId, readyBy + TimeSpan.FromMinutes(5)), (hold.CommandId, hold.HoldUntil));
    }
}
