using EvSwap.Contracts;
using EvSwap.Testing;
using static EvSwap.GrainTests.DownlinkFixture;

namespace EvSwap.GrainTests;

[Collection(DownlinkCollection.Name)]
public class ReservationGrainTests(DownlinkFixture fixture)
{
    private static string NewStation() => "st-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<(string Id, IStationDownlinkGrain Downlink)> StationAsync(params SlotReading[] slots)
    {
        var id = NewStation();
        await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(Envelope(id, 1, slots));
        return (id, fixture.Grains.GetGrain<IStationDownlinkGrain>(id));
    }

    private static Task<bool> AnswerAsync(IStationDownlinkGrain grain, string stationId, string commandId, string status, string? reason = null) =>
        grain.ReportResult(new CommandResult { Schema = CommandResult.SchemaV1, StationId = stationId, CommandId = commandId, Status = status, Reason = reason, Ts = Clock.GetUtcNow() });

    [Fact]
    public async Task A_reservation_holds_the_fullest_charged_ready_battery_and_tells_the_station()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a", 96), Ready(2, "bat-b", 99.5), Ready(3, "bat-c", 90), Charging(4, "bat-d", 50));

        var outcome = await grain.Reserve(new ReservationRequest("rider-1", null, null));

        var reservation = Assert.IsType<ReservationView>(outcome.Reservation);
        Assert.True(outcome.Created);
        Assert.Equal((2, "bat-b", ReservationStatus.Pending), (reservation.Slot, reservation.BatteryId, reservation.Status));
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromMinutes(10), reservation.ExpiresAt);
        var command = Assert.Single(DownlinkFixture.Link.PublishedTo(id));
        Assert.Equal((CommandTypes.ReserveSlot, 2, "bat-b", reservation.ReservationId, reservation.ExpiresAt),
            (command.Type, command.Slot, command.BatteryId, command.ReservationId, command.HoldUntil));
    }

    [Fact]
    public async Task Riders_reserving_at_once_never_get_the_same_battery_and_the_rest_are_told_none_is_available()
    {
        var (_, grain) = await StationAsync(Ready(1, "bat-a"), Ready(2, "bat-b"), Charging(3, "bat-c", 60));

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => grain.Reserve(new ReservationRequest($"rider-{i}", null, null))));

        var held = outcomes.Where(o => o.Reservation is not null).Select(o => o.Reservation!.BatteryId).ToList();
        Assert.Equal(["bat-a", "bat-b"], held.Order());
        Assert.All(outcomes.Where(o => o.Reservation is null), o => Assert.Contains("no ready battery", o.Unavailable));
    }

    [Fact]
    public async Task A_confirmed_reservation_shows_its_slot_reserved_and_not_available_in_the_view()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"), Ready(2, "bat-b", 97));
        var reservation = (await grain.Reserve(new ReservationRequest("rider-1", null, null))).Reservation!;

        Assert.True(await AnswerAsync(grain, id, reservation.CommandId, CommandResultStatuses.Succeeded));

        Assert.Equal(ReservationStatus.Confirmed, (await grain.GetReservation(reservation.ReservationId))!.Status);
        var view = (await fixture.Grains.GetGrain<IStationGrain>(id).GetView())!;
        Assert.Equal(SlotStates.Reserved, view.Slots.Single(s => s.Slot == 1).State);
        Assert.Equal(1, view.AvailableCharged);
        Assert.Equal(1, view.SlotCounts[SlotStates.Reserved]);
    }

    [Fact]
    public async Task Expiry_releases_the_battery_for_the_next_rider()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"));
        var first = (await grain.Reserve(new ReservationRequest("rider-1", TimeSpan.FromMinutes(5), null))).Reservation!;
        await AnswerAsync(grain, id, first.CommandId, CommandResultStatuses.Succeeded);
        Assert.Null((await grain.Reserve(new ReservationRequest("rider-2", null, null))).Reservation);

        Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(ReservationStatus.Expired, (await grain.GetReservation(first.ReservationId))!.Status);
        var second = await grain.Reserve(new ReservationRequest("rider-2", null, null));
        Assert.Equal("bat-a", second.Reservation?.BatteryId);
    }

    [Fact]
    public async Task The_expiry_timer_ends_a_reservation_nobody_asks_about()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"));
        var reservation = (await grain.Reserve(new ReservationRequest("rider-1", TimeSpan.FromMinutes(2), null))).Reservation!;
        await AnswerAsync(grain, id, reservation.CommandId, CommandResultStatuses.Succeeded);

        Clock.Advance(TimeSpan.FromMinutes(3));

        // The view does not expire anything itself; only the downlink's own timer can have done it.
        var view = await Eventually.GetAsync(() => fixture.Grains.GetGrain<IStationGrain>(id).GetView(), v => v!.AvailableCharged == 1);
        Assert.Equal(SlotStates.Ready, view!.Slots.Single().State);
    }

    [Fact]
    public async Task A_swap_of_the_held_battery_fulfils_the_reservation_once()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"), Ready(2, "bat-b"));
        var reservation = (await grain.Reserve(new ReservationRequest("rider-1", null, null))).Reservation!;
        await AnswerAsync(grain, id, reservation.CommandId, CommandResultStatuses.Succeeded);
        var station = fixture.Grains.GetGrain<IStationGrain>(id);
        var swap = new StationEvent { Type = EventTypes.Swap, At = Clock.GetUtcNow(), SlotIn = 1, BatteryIn = "bat-old", SlotOut = 1, BatteryOut = reservation.BatteryId };
        var after = Envelope(id, 2, [Charging(1, "bat-old", 20), Ready(2, "bat-b")], [swap]);

        Assert.Equal(IngestOutcome.Accepted, await station.Ingest(after));
        Assert.Equal(IngestOutcome.Duplicate, await station.Ingest(after));

        var fulfilled = (await grain.GetReservation(reservation.ReservationId))!;
        Assert.Equal(ReservationStatus.Fulfilled, fulfilled.Status);
        Assert.Equal(1, (await station.GetView())!.Counters.SwapsTotal);
    }

    [Fact]
    public async Task A_swap_of_the_held_battery_after_its_expiry_is_a_walk_in_and_the_reservation_expires()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"));
        var reservation = (await grain.Reserve(new ReservationRequest("rider-1", TimeSpan.FromMinutes(5), null))).Reservation!;
        await AnswerAsync(grain, id, reservation.CommandId, CommandResultStatuses.Succeeded);
        Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(200));
        // The station's clock runs a little ahead of the silo's: it let the hold go at expiresAt and a walk-in took the
        // battery, while by the silo's clock the reservation has not expired yet.
        var walkIn = new StationEvent { Type = EventTypes.Swap, At = reservation.ExpiresAt + TimeSpan.FromMilliseconds(100), SlotIn = 1, BatteryIn = "bat-old", SlotOut = 1, BatteryOut = "bat-a" };

        await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(Envelope(id, 2, [Charging(1, "bat-old", 20)], [walkIn]));

        Assert.Equal(ReservationStatus.Confirmed, (await grain.GetReservation(reservation.ReservationId))!.Status);
        Clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(ReservationStatus.Expired, (await grain.GetReservation(reservation.ReservationId))!.Status);
    }

    [Fact]
    public async Task A_swap_of_the_battery_before_the_hold_is_confirmed_fulfils_only_when_the_station_then_confirms()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"), Ready(2, "bat-b", 97));
        var station = fixture.Grains.GetGrain<IStationGrain>(id);
        var confirmed = (await grain.Reserve(new ReservationRequest("rider-1", null, null))).Reservation!;
        var refused = (await grain.Reserve(new ReservationRequest("rider-2", null, null))).Reservation!;
        StationEvent Swap(int slot, string battery) => new() { Type = EventTypes.Swap, At = Clock.GetUtcNow(), SlotIn = slot, BatteryIn = "in-" + battery, SlotOut = slot, BatteryOut = battery };
        await station.Ingest(Envelope(id, 2, [Charging(1, "in-bat-a", 10), Charging(2, "in-bat-b", 10)], [Swap(1, "bat-a"), Swap(2, "bat-b")]));

        Assert.Equal(ReservationStatus.Pending, (await grain.GetReservation(confirmed.ReservationId))!.Status);
        await AnswerAsync(grain, id, confirmed.CommandId, CommandResultStatuses.Succeeded);
        await AnswerAsync(grain, id, refused.CommandId, CommandResultStatuses.Failed, "battery bat-b is not ready in slot 2");

        Assert.Equal(ReservationStatus.Fulfilled, (await grain.GetReservation(confirmed.ReservationId))!.Status);
        Assert.Equal(ReservationStatus.Failed, (await grain.GetReservation(refused.ReservationId))!.Status);
    }

    [Fact]
    public async Task A_swap_of_another_battery_leaves_the_reservation_held()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"), Ready(2, "bat-b", 96));
        var reservation = (await grain.Reserve(new ReservationRequest("rider-1", null, null))).Reservation!;
        var swap = new StationEvent { Type = EventTypes.Swap, At = Clock.GetUtcNow(), SlotIn = 2, BatteryIn = "bat-old", SlotOut = 2, BatteryOut = "bat-b" };

        await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(Envelope(id, 2, [Ready(1, "bat-a"), Charging(2, "bat-old", 20)], [swap]));

        Assert.Equal(ReservationStatus.Pending, (await grain.GetReservation(reservation.ReservationId))!.Status);
    }

    [Fact]
    public async Task Cancelling_releases_the_battery_and_tells_the_station_to_let_go()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"));
        var reservation = (await grain.Reserve(new ReservationRequest("rider-1", null, null))).Reservation!;
        await AnswerAsync(grain, id, reservation.CommandId, CommandResultStatuses.Succeeded);

        var cancelled = await grain.CancelReservation(reservation.ReservationId);

        Assert.Equal(ReservationStatus.Cancelled, cancelled!.Status);
        var release = DownlinkFixture.Link.PublishedTo(id).Last();
        Assert.Equal((CommandTypes.ReleaseReservation, reservation.ReservationId), (release.Type, release.ReservationId));
        Assert.Equal("bat-a", (await grain.Reserve(new ReservationRequest("rider-2", null, null))).Reservation?.BatteryId);

        // Cancelling again changes nothing and sends nothing.
        Assert.Equal(ReservationStatus.Cancelled, (await grain.CancelReservation(reservation.ReservationId))!.Status);
        Assert.Equal(3, DownlinkFixture.Link.PublishedTo(id).Count);
        Assert.Null(await grain.CancelReservation("res-unknown"));
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_same_reservation_and_holds_one_battery()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"), Ready(2, "bat-b"));

        var first = await grain.Reserve(new ReservationRequest("rider-1", null, "key-1"));
        var retry = await grain.Reserve(new ReservationRequest("rider-1", null, "key-1"));
        var stolen = await grain.Reserve(new ReservationRequest("rider-2", null, "key-1"));

        Assert.True(first.Created);
        Assert.False(retry.Created);
        Assert.Equal(first.Reservation!.ReservationId, retry.Reservation!.ReservationId);
        Assert.NotNull(stolen.Conflict);
        Assert.Single(DownlinkFixture.Link.PublishedTo(id));
        Assert.Single(await grain.GetReservations());
    }

    [Fact]
    public async Task A_station_that_never_confirms_fails_the_reservation_and_frees_the_battery()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"));
        var reservation = (await grain.Reserve(new ReservationRequest("rider-1", null, null))).Reservation!;

        Clock.Advance(TimeSpan.FromSeconds(30));

        var failed = (await grain.GetReservation(reservation.ReservationId))!;
        Assert.Equal(ReservationStatus.Failed, failed.Status);
        Assert.Contains("did not confirm", failed.Reason);
        Assert.Equal(CommandStatus.TimedOut, (await grain.GetCommands()).Single().Status);
        Assert.NotNull((await grain.Reserve(new ReservationRequest("rider-2", null, null))).Reservation);
    }

    [Fact]
    public async Task A_station_that_refuses_the_hold_fails_the_reservation_with_its_reason()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"));
        var reservation = (await grain.Reserve(new ReservationRequest("rider-1", null, null))).Reservation!;

        await AnswerAsync(grain, id, reservation.CommandId, CommandResultStatuses.Acknowledged);
        await AnswerAsync(grain, id, reservation.CommandId, CommandResultStatuses.Failed, "slot door open");

        var failed = (await grain.GetReservation(reservation.ReservationId))!;
        Assert.Equal(ReservationStatus.Failed, failed.Status);
        Assert.Contains("slot door open", failed.Reason);
    }

    [Fact]
    public async Task An_offline_station_takes_no_reservation()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"));

        Clock.Advance(TimeSpan.FromHours(2));

        var outcome = await grain.Reserve(new ReservationRequest("rider-1", null, null));
        Assert.Null(outcome.Reservation);
        Assert.Contains("offline", outcome.Unavailable);
        Assert.Empty(DownlinkFixture.Link.PublishedTo(id));
    }

    [Fact]
    public async Task Reservations_survive_a_reactivation_and_still_expire()
    {
        var (id, grain) = await StationAsync(Ready(1, "bat-a"), Ready(2, "bat-b"));
        var reservation = (await grain.Reserve(new ReservationRequest("rider-1", TimeSpan.FromMinutes(4), "key-r"))).Reservation!;
        await AnswerAsync(grain, id, reservation.CommandId, CommandResultStatuses.Succeeded);

        await fixture.Grains.GetGrain<IStationGrain>(id).AsReference<global::Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();

        Assert.Equal(ReservationStatus.Confirmed, (await grain.GetReservation(reservation.ReservationId))!.Status);
        Assert.Equal("bat-b", (await grain.Reserve(new ReservationRequest("rider-2", null, null))).Reservation?.BatteryId);
        Assert.False((await grain.Reserve(new ReservationRequest("rider-1", null, "key-r"))).Created);

        Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(ReservationStatus.Expired, (await grain.GetReservation(reservation.ReservationId))!.Status);
    }
}
