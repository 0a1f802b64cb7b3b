using System.Net;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.Bridge.Tests;

/// <summary>
/// The downlink with <c>Mqtt:Mode=External</c> against mosquitto, as on IoT Core: the bridge's connections publish
/// commands, and take stations' results from the shared subscription group, beside telemetry.
/// </summary>
public sealed class DownlinkExternalTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-downlink-ext-" + Guid.NewGuid().ToString("N"));
    private Mosquitto _broker = null!;

    public async Task InitializeAsync() => _broker = await Mosquitto.StartAsync(Path.Combine(_dir, "mosquitto"), persistence: true);

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static string NewStation() => "dlx-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Commands_and_reservations_go_down_through_the_bridge_and_results_come_back_through_the_shared_subscription()
    {
        await using var silo = await TestSilo.StartExternalAsync(_broker, Path.Combine(_dir, "archive"), "--Mqtt:Connections=2");
        var id = NewStation();
        await using var station = await TestStation.ConnectAsync(_broker.Port, id);
        await station.PublishTelemetryAsync(Stations.Snapshot(id, 1));
        await Eventually.GetAsync(async () => (await silo.Http.GetAsync($"/stations/{id}")).StatusCode, s => s == HttpStatusCode.OK);

        var (status, command) = await DownlinkApi.SendCommandAsync(silo.Http, id, new { type = "release-slot", slot = 2 });
        Assert.Equal(HttpStatusCode.Created, status);
        var commandId = command.GetProperty("commandId").GetString()!;
        Assert.Equal("Sent", command.GetProperty("status").GetString());
        var received = await station.NextCommandAsync();
        Assert.Equal((commandId, CommandTypes.ReleaseSlot, 2), (received.CommandId, received.Type, received.Slot));
        await station.AnswerAsync(commandId, CommandResultStatuses.Succeeded);
        await Eventually.GetAsync(() => DownlinkApi.CommandAsync(silo.Http, id, commandId), c => c.GetProperty("status").GetString() == "Succeeded");

        var (reserved, reservation) = await DownlinkApi.ReserveAsync(silo.Http, id, new { riderId = "rider-x" });
        Assert.Equal(HttpStatusCode.Created, reserved);
        var hold = await station.NextCommandAsync();
        Assert.Equal(reservation.GetProperty("reservationId").GetString(), hold.ReservationId);
        await station.AnswerAsync(hold.CommandId, CommandResultStatuses.Succeeded);
        var confirmed = await Eventually.GetAsync(
            () => DownlinkApi.ReservationAsync(silo.Http, id, hold.ReservationId!), r => r.GetProperty("status").GetString() == "Confirmed");
        Assert.Equal("Confirmed", confirmed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_station_offline_on_mosquitto_gets_the_command_from_its_persistent_session()
    {
        await using var silo = await TestSilo.StartExternalAsync(_broker, Path.Combine(_dir, "archive"));
        var id = NewStation();
        await using var station = await TestStation.ConnectAsync(_broker.Port, id);
        await station.PublishTelemetryAsync(Stations.Snapshot(id, 1));
        await Eventually.GetAsync(async () => (await silo.Http.GetAsync($"/stations/{id}")).StatusCode, s => s == HttpStatusCode.OK);
        await station.DisconnectAsync();

        var (_, command) = await DownlinkApi.SendCommandAsync(silo.Http, id, new { type = "slot-maintenance", slot = 1 });
        var commandId = command.GetProperty("commandId").GetString()!;

        await station.ReconnectAsync();
        Assert.True(station.SessionPresent);
        Assert.Equal(commandId, (await station.NextCommandAsync()).CommandId);
        await station.AnswerAsync(commandId, CommandResultStatuses.Acknowledged);
        await Eventually.GetAsync(() => DownlinkApi.CommandAsync(silo.Http, id, commandId), c => c.GetProperty("status").GetString() == "Acknowledged");
    }
}
