using System.Net;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.EndToEndTests;

/// <summary>A ready-by reservation of a battery still charging, through the API, the grain and a station over MQTT.</summary>
public class ReadyByEndToEndTests
{
    [Fact]
    public async Task A_charging_battery_reserved_ready_by_a_time_is_asked_of_the_station_only_once_it_reports_it_charged()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = "rb-" + Guid.NewGuid().ToString("N")[..10];
        await using var station = await TestStation.ConnectAsync(silo.MqttPort, id);
        var now = DateTimeOffset.UtcNow;

        // Two snapshots a minute apart (station time): 1 %/min from 85 %, so 95 % in about 14 minutes.
        TelemetryBuilder Snapshot(int seq, DateTimeOffset at) => TelemetryBuilder.For(id).Seq(seq).At(at).Empty(1);
        await station.PublishTelemetryAsync(Snapshot(1, now.AddMinutes(-2)).Charging(2, "bat-c", socPct: 85).Json());
        await station.PublishTelemetryAsync(Snapshot(2, now.AddMinutes(-1)).Charging(2, "bat-c", socPct: 86).Json());
        await Eventually.GetAsync(() => silo.GetJsonAsync($"/stations/{id}"), v => v.GetProperty("seq").GetInt64() == 2);

        var (status, reservation) = await DownlinkApi.ReserveAsync(silo.Http, id, new { riderId = "rider-1", readyBy = now.AddMinutes(20) });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("bat-c", "Pending", ""), (reservation.GetProperty("batteryId").GetString(), reservation.GetProperty("status").GetString(), reservation.GetProperty("commandId").GetString()));
        Assert.Equal(0, (await silo.GetJsonAsync($"/stations/{id}/commands")).GetProperty("items").GetArrayLength());

        await station.PublishTelemetryAsync(Snapshot(3, DateTimeOffset.UtcNow).Ready(2, "bat-c", socPct: 96).Json());

        var hold = await station.NextCommandAsync();
        var reservationId = reservation.GetProperty("reservationId").GetString();
        Assert.Equal((CommandTypes.ReserveSlot, reservationId, "bat-c"), (hold.Type, hold.ReservationId, hold.BatteryId));
        await station.AnswerAsync(hold.CommandId, CommandResultStatuses.Succeeded);
        var confirmed = await Eventually.GetAsync(() => DownlinkApi.ReservationAsync(silo.Http, id, reservationId!), r => r.GetProperty("status").GetString() == "Confirmed");
        Assert.Equal(hold.CommandId, confirmed.GetProperty("commandId").GetString());
    }
}
