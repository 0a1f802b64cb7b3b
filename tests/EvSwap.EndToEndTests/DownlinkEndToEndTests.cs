using System.Net;
using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.EndToEndTests;

/// <summary>The downlink through the local profile: REST API, station grain, embedded broker, a station over MQTT, and back.</summary>
public class DownlinkEndToEndTests
{
    private static string NewStation() => "dl-" + Guid.NewGuid().ToString("N")[..10];

    private static async Task<TestStation> ReportingStationAsync(TestSilo silo, string id)
    {
        var station = await TestStation.ConnectAsync(silo.MqttPort, id);
        await station.PublishTelemetryAsync(Snapshots.Json(id, 1));
        await Eventually.GetAsync(async () => (await silo.Http.GetAsync($"/stations/{id}")).StatusCode, s => s == HttpStatusCode.OK);
        return station;
    }

    private static Task<JsonElement> CommandStatusAsync(TestSilo silo, string id, string commandId, string status) =>
        Eventually.GetAsync(() => DownlinkApi.CommandAsync(silo.Http, id, commandId), c => c.GetProperty("status").GetString() == status);

    [Fact]
    public async Task A_command_posted_to_the_api_reaches_the_station_over_mqtt_and_its_results_show_in_the_api()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = NewStation();
        await using var station = await ReportingStationAsync(silo, id);

        var (status, body) = await DownlinkApi.SendCommandAsync(silo.Http, id, new { type = "slot-maintenance", slot = 2 }, "op-1");

        Assert.Equal(HttpStatusCode.Created, status);
        var commandId = body.GetProperty("commandId").GetString()!;
        Assert.Equal("local-operator", body.GetProperty("sentBy").GetString());
        var received = await station.NextCommandAsync();
        Assert.Equal((commandId, CommandTypes.SlotMaintenance, 2, id), (received.CommandId, received.Type, received.Slot, received.StationId));

        await station.AnswerAsync(commandId, CommandResultStatuses.Acknowledged);
        await CommandStatusAsync(silo, id, commandId, "Acknowledged");
        await station.AnswerAsync(commandId, CommandResultStatuses.Failed, "slot 2 holds a battery");
        var failed = await CommandStatusAsync(silo, id, commandId, "Failed");
        Assert.Equal("slot 2 holds a battery", failed.GetProperty("reason").GetString());

        var (retryStatus, retry) = await DownlinkApi.SendCommandAsync(silo.Http, id, new { type = "slot-maintenance", slot = 2 }, "op-1");
        Assert.Equal(HttpStatusCode.OK, retryStatus);
        Assert.Equal(commandId, retry.GetProperty("commandId").GetString());
        var list = await silo.GetJsonAsync($"/stations/{id}/commands");
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Bad_commands_are_refused_with_problem_details_naming_what_to_fix()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = NewStation();
        await using var station = await ReportingStationAsync(silo, id);

        var unknownType = await DownlinkApi.SendCommandAsync(silo.Http, id, new { type = "self-destruct" });
        var noSlot = await DownlinkApi.SendCommandAsync(silo.Http, id, new { type = "release-slot" });
        var missingSlot = await DownlinkApi.SendCommandAsync(silo.Http, id, new { type = "release-slot", slot = 9 });
        var badKey = await DownlinkApi.SendCommandAsync(silo.Http, id, new { type = "restart-cabinet" }, "has space");
        var unknownStation = await DownlinkApi.SendCommandAsync(silo.Http, NewStation(), new { type = "restart-cabinet" });

        Assert.Equal(HttpStatusCode.BadRequest, unknownType.Status);
        Assert.Contains("slot-maintenance", unknownType.Body.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noSlot.Status);
        Assert.Equal(HttpStatusCode.BadRequest, missingSlot.Status);
        Assert.Contains("no slot 9", missingSlot.Body.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badKey.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknownStation.Status);
    }

    [Fact]
    public async Task A_station_offline_when_the_command_is_sent_gets_it_from_its_session_when_it_reconnects()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = NewStation();
        await using var station = await ReportingStationAsync(silo, id);
        await station.DisconnectAsync();

        var (_, body) = await DownlinkApi.SendCommandAsync(silo.Http, id, new { type = "restart-cabinet" });
        var commandId = body.GetProperty("commandId").GetString()!;
        Assert.Equal("Sent", body.GetProperty("status").GetString());

        await station.ReconnectAsync();
        Assert.True(station.SessionPresent);
        Assert.Equal(commandId, (await station.NextCommandAsync()).CommandId);
        await station.AnswerAsync(commandId, CommandResultStatuses.Succeeded);
        await CommandStatusAsync(silo, id, commandId, "Succeeded");
    }

    [Fact]
    public async Task A_reservation_is_confirmed_by_the_station_shown_reserved_and_fulfilled_by_the_swap_of_its_battery()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = NewStation();
        await using var station = await ReportingStationAsync(silo, id);

        var (status, body) = await DownlinkApi.ReserveAsync(silo.Http, id, new { riderId = "rider-7", ttlSeconds = 300 }, "trip-1");

        Assert.Equal(HttpStatusCode.Created, status);
        var reservationId = body.GetProperty("reservationId").GetString()!;
        Assert.Equal(("bat-1", 1), (body.GetProperty("batteryId").GetString(), body.GetProperty("slot").GetInt32()));
        var hold = await station.NextCommandAsync();
        Assert.Equal((CommandTypes.ReserveSlot, reservationId, "bat-1"), (hold.Type, hold.ReservationId, hold.BatteryId));

        var (conflict, problem) = await DownlinkApi.ReserveAsync(silo.Http, id, new { riderId = "rider-8" });
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Equal("No battery available", problem.GetProperty("title").GetString());

        await station.AnswerAsync(hold.CommandId, CommandResultStatuses.Succeeded);
        await Eventually.GetAsync(() => DownlinkApi.ReservationAsync(silo.Http, id, reservationId), r => r.GetProperty("status").GetString() == "Confirmed");
        var view = await silo.GetJsonAsync($"/stations/{id}");
        Assert.Equal("reserved", view.GetProperty("slots")[0].GetProperty("state").GetString());
        Assert.Equal(0, view.GetProperty("availableCharged").GetInt32());

        var swap = TelemetryBuilder.For(id).Seq(2).Ambient(null, null)
            .Charging(1, "bat-9", socPct: 12, tempC: 25, sohPct: null, cycles: null)
            .Empty(2)
            .Swap(1, "bat-9", 1, "bat-1")
            .Json();
        await station.PublishTelemetryAsync(swap);

        var fulfilled = await Eventually.GetAsync(() => DownlinkApi.ReservationAsync(silo.Http, id, reservationId), r => r.GetProperty("status").GetString() == "Fulfilled");
        Assert.Equal("Fulfilled", fulfilled.GetProperty("status").GetString());
        var (retryStatus, retry) = await DownlinkApi.ReserveAsync(silo.Http, id, new { riderId = "rider-7", ttlSeconds = 300 }, "trip-1");
        Assert.Equal((HttpStatusCode.OK, reservationId), (retryStatus, retry.GetProperty("reservationId").GetString()));
    }

    [Fact]
    public async Task A_cancelled_reservation_tells_the_station_to_let_the_battery_go()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = NewStation();
        await using var station = await ReportingStationAsync(silo, id);
        var (_, body) = await DownlinkApi.ReserveAsync(silo.Http, id, new { riderId = "rider-1" });
        var reservationId = body.GetProperty("reservationId").GetString()!;
        await station.NextCommandAsync();

        using var response = await silo.Http.DeleteAsync($"/stations/{id}/reservations/{reservationId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var release = await station.NextCommandAsync();
        Assert.Equal((CommandTypes.ReleaseReservation, reservationId), (release.Type, release.ReservationId));
        Assert.Equal("Cancelled", (await DownlinkApi.ReservationAsync(silo.Http, id, reservationId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_invalid_command_result_is_dead_lettered_with_its_reason()
    {
        await using var silo = await TestSilo.StartAsync("--Archive:MaxBatchAge=00:00:01");
        var id = NewStation();
        await using var station = await ReportingStationAsync(silo, id);

        await station.PublishAsync(CommandTopic.ResultsFor(id), """{"schema":"evswap.command-result.v1","stationId":"someone-else","commandId":"cmd-1","status":"done","ts":"2026-12-01T00:00:00Z"}"""u8.ToArray());
        await silo.StopAsync();

        var rejected = Assert.Single(await silo.ReadRejectedAsync());
        Assert.Equal(CommandTopic.ResultsFor(id), rejected.Topic);
        Assert.Contains(rejected.Reasons, r => r.StartsWith("StationIdMismatch"));
        Assert.Contains(rejected.Reasons, r => r.StartsWith("OutOfRange"));
    }

    [Fact]
    public async Task With_tokens_the_sender_and_the_rider_come_from_the_token_and_only_operators_send_commands()
    {
        using var issuer = new LocalJwtIssuer();
        await using var silo = await TestSilo.StartAsync(issuer.SiloArgs);
        var id = NewStation();
        await using var station = await TestStation.ConnectAsync(silo.MqttPort, id);
        await station.PublishTelemetryAsync(Snapshots.Json(id, 1));
        silo.Http.DefaultRequestHeaders.Authorization = new("Bearer", issuer.AccessToken("evswap/read"));
        await Eventually.GetAsync(async () => (await silo.Http.GetAsync($"/stations/{id}")).StatusCode, s => s == HttpStatusCode.OK);

        var (readerStatus, _) = await DownlinkApi.SendCommandAsync(silo.Http, id, new { type = "restart-cabinet" });
        var (reserved, reservation) = await DownlinkApi.ReserveAsync(silo.Http, id, new { riderId = "someone-else" });
        silo.Http.DefaultRequestHeaders.Authorization = new("Bearer", issuer.AccessToken("evswap/operate"));
        var (operatorStatus, command) = await DownlinkApi.SendCommandAsync(silo.Http, id, new { type = "restart-cabinet" });

        Assert.Equal(HttpStatusCode.Forbidden, readerStatus);
        Assert.Equal((HttpStatusCode.Created, "user-1"), (reserved, reservation.GetProperty("riderId").GetString()));
        Assert.Equal((HttpStatusCode.Created, "user-1"), (operatorStatus, command.GetProperty("sentBy").GetString()));
    }

    [Theory]
    [InlineData("--Downlink:CommandTimeout=00:00:00", "Downlink:CommandTimeout must be positive")]
    [InlineData("--Downlink:DefaultReservationTtl=03:00:00", "must not exceed Downlink:MaxReservationTtl")]
    public void A_bad_downlink_setting_stops_the_start_and_says_what_to_fix(string arg, string message)
    {
        var ex = Assert.ThrowsAny<Exception>(() => EvSwap.Silo.SiloApp.Build([arg]));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public async Task Commands_and_reservations_survive_a_silo_restart_on_dynamodb_grain_storage()
    {
        await using var dynalite = await StandIns.StartDynaliteAsync();
        string[] args =
        [
            "--GrainStorage:Provider=DynamoDB",
            $"--DynamoDB:ServiceUrl=http://127.0.0.1:{dynalite.Port}",
            "--DynamoDB:Region=us-east-1",
            "--DynamoDB:CreateIfNotExists=true",
        ];
        var id = NewStation();
        string commandId, reservationId;
        await using (var first = await TestSilo.StartAsync(args))
        {
            await using var station = await ReportingStationAsync(first, id);
            commandId = (await DownlinkApi.SendCommandAsync(first.Http, id, new { type = "slot-maintenance", slot = 2 })).Body.GetProperty("commandId").GetString()!;
            reservationId = (await DownlinkApi.ReserveAsync(first.Http, id, new { riderId = "rider-1" }, "trip-9")).Body.GetProperty("reservationId").GetString()!;
            var hold = await Eventually.GetAsync(async () => await station.NextCommandAsync(), c => c.Type == CommandTypes.ReserveSlot);
            await station.AnswerAsync(hold.CommandId, CommandResultStatuses.Succeeded);
            await station.AnswerAsync(commandId, CommandResultStatuses.Acknowledged);
            await Eventually.GetAsync(() => DownlinkApi.ReservationAsync(first.Http, id, reservationId), r => r.GetProperty("status").GetString() == "Confirmed");
            await CommandStatusAsync(first, id, commandId, "Acknowledged");
        }

        await using var second = await TestSilo.StartAsync(args);
        Assert.Equal("Confirmed", (await DownlinkApi.ReservationAsync(second.Http, id, reservationId)).GetProperty("status").GetString());
        Assert.Equal("Acknowledged", (await DownlinkApi.CommandAsync(second.Http, id, commandId)).GetProperty("status").GetString());
        var (retry, again) = await DownlinkApi.ReserveAsync(second.Http, id, new { riderId = "rider-1" }, "trip-9");
        Assert.Equal((HttpStatusCode.OK, reservationId), (retry, again.GetProperty("reservationId").GetString()));
        Assert.Equal("reserved", (await second.GetJsonAsync($"/stations/{id}")).GetProperty("slots")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_ready_by_reservation_is_held_through_the_api_and_a_bad_ready_by_is_a_400_problem()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = NewStation();
        await using var station = await ReportingStationAsync(silo, id);

        var notATime = await DownlinkApi.ReserveAsync(silo.Http, id, new { riderId = "rider-1", readyBy = "after lunch" });
        var past = await DownlinkApi.ReserveAsync(silo.Http, id, new { riderId = "rider-1", readyBy = DateTimeOffset.UtcNow.AddMinutes(-5) });
        var tooFar = await DownlinkApi.ReserveAsync(silo.Http, id, new { riderId = "rider-1", readyBy = DateTimeOffset.UtcNow.AddHours(3) });
        var readyBy = DateTimeOffset.UtcNow.AddMinutes(20);
        var (status, body) = await DownlinkApi.ReserveAsync(silo.Http, id, new { riderId = "rider-1", readyBy, ttlSeconds = 300 });

        foreach (var (badStatus, problem) in new[] { notATime, past, tooFar })
        {
            Assert.Equal(HttpStatusCode.BadRequest, badStatus);
            Assert.Equal("readyBy", problem.GetProperty("parameter").GetString());
        }

        // The station's only battery is charged: held at once, until readyBy plus the ttl.
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(readyBy.AddSeconds(300), body.GetProperty("expiresAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(readyBy, body.GetProperty("readyBy").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(CommandTypes.ReserveSlot, (await station.NextCommandAsync()).Type);
    }
}
