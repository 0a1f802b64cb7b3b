using System.Net;
using System.Text;
using System.Text.Json;
using EvSwap.Bridge;
using EvSwap.Contracts;
using EvSwap.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EvSwap.EndToEndTests;

public class LocalSiloEndToEndTests
{
    private static byte[] Snapshot(string stationId, long seq, long boot = 1, bool swap = false, double temp = 31)
    {
        var message = TelemetryBuilder.For(stationId).Boot(boot).Seq(seq).Ambient(19.5, 22)
            .Ready(1, "bat-1", socPct: 99, tempC: 28, sohPct: 95, cycles: 10)
            .Charging(2, "bat-2", socPct: 50, tempC: temp, sohPct: 90, cycles: 20)
            .Empty(3);
        return (swap ? message.Swap(3, "bat-3", 1, "bat-1") : message).Json();
    }

    [Fact]
    public async Task Telemetry_published_over_mqtt_is_served_by_the_api_and_archived_exactly_once_after_shutdown()
    {
        await using var silo = await TestSilo.StartAsync("--Archive:MaxBatchMessages=7");
        using var client = await silo.ConnectPublisherAsync("e2e-publisher");

        const int stations = 12;
        const int perStation = 10;
        var ids = Enumerable.Range(0, stations).Select(i => $"e2e-{i:D2}").ToList();
        for (var seq = 1; seq <= perStation; seq++)
        {
            foreach (var id in ids)
            {
                await TestSilo.PublishAsync(client, TelemetryTopic.For(id), Snapshot(id, seq, swap: seq % 4 == 0, temp: id == "e2e-00" ? 60 : 31));
            }
        }

        // Redeliveries and a late, older message: each must be counted, never applied or archived again.
        await TestSilo.PublishAsync(client, TelemetryTopic.For("e2e-01"), Snapshot("e2e-01", 10));
        await TestSilo.PublishAsync(client, TelemetryTopic.For("e2e-01"), Snapshot("e2e-01", 3));

        // Invalid input of every kind, interleaved with the valid stream.
        var rejected = new (string Topic, byte[] Payload, string Reason)[]
        {
            (TelemetryTopic.For("e2e-02"), Encoding.UTF8.GetBytes("{not json"), nameof(RejectReason.BadJson)),
            (TelemetryTopic.For("e2e-02"), Snapshot("e2e-03", 99), nameof(RejectReason.StationIdMismatch)),
            (TelemetryTopic.For("e2e-02"), Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Snapshot("e2e-02", 100)).Replace("evswap.telemetry.v1", "v0")), nameof(RejectReason.UnknownSchema)),
            (TelemetryTopic.For("e2e-02"), Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Snapshot("e2e-02", 101)) + new string(' ', 130 * 1024)), nameof(RejectReason.TooLarge)),
        };
        foreach (var (topic, payload, _) in rejected)
        {
            await TestSilo.PublishAsync(client, topic, payload);
        }

        await TestSilo.PublishAsync(client, TelemetryTopic.For("e2e-02"), Snapshot("e2e-02", 11));

        // The station view shows the latest snapshot as soon as the grain applied it.
        var last = await Eventually.GetAsync(() => silo.GetJsonAsync("/stations/e2e-02"), v => v.GetProperty("seq").GetInt64() == 11);
        Assert.Equal(11, last.GetProperty("seq").GetInt64());
        Assert.Equal(3, last.GetProperty("slots").GetArrayLength());
        Assert.Equal(1, last.GetProperty("availableCharged").GetInt32());

        var dup = await Eventually.GetAsync(() => silo.GetJsonAsync("/stations/e2e-01"), v => v.GetProperty("counters").GetProperty("duplicates").GetInt64() == 2);
        Assert.Equal((10L, 2L, 2L), (dup.GetProperty("counters").GetProperty("messages").GetInt64(), dup.GetProperty("counters").GetProperty("duplicates").GetInt64(), dup.GetProperty("counters").GetProperty("swapsTotal").GetInt64()));

        // The fleet list pages through every station in id order.
        var listed = new List<string>();
        string? cursor = null;
        await Eventually.GetAsync(() => silo.GetJsonAsync("/stations?limit=1000"), v => v.GetProperty("items").GetArrayLength() == stations);
        do
        {
            var page = await silo.GetJsonAsync("/stations?limit=5" + (cursor is null ? "" : "&cursor=" + cursor));
            listed.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("stationId").GetString()!));
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        Assert.Equal(ids, listed);

        var online = await silo.GetJsonAsync("/stations?status=online&limit=1000");
        Assert.Equal(stations, online.GetProperty("items").GetArrayLength());

        // Slot 2 of e2e-00 ran hot for ten messages: an over-temperature alert, and the station is alerting.
        var alerts = await Eventually.GetAsync(() => silo.GetJsonAsync("/alerts"), a => a.GetProperty("count").GetInt32() > 0);
        var alert = Assert.Single(alerts.GetProperty("items").EnumerateArray());
        Assert.Equal(("e2e-00", AlertKinds.OverTemperature, 2), (alert.GetProperty("stationId").GetString(), alert.GetProperty("kind").GetString(), alert.GetProperty("slot").GetInt32()));
        var alerting = await silo.GetJsonAsync("/stations?status=alerting");
        Assert.Equal("e2e-00", Assert.Single(alerting.GetProperty("items").EnumerateArray()).GetProperty("stationId").GetString());

        // History merges archived batches (7 per object here) with the unflushed buffer.
        var history = await silo.GetJsonAsync("/stations/e2e-05/telemetry?limit=6");
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], history.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seq").GetInt64()));
        var rest = await silo.GetJsonAsync("/stations/e2e-05/telemetry?limit=100&cursor=" + history.GetProperty("nextCursor").GetString());
        Assert.Equal([7L, 8L, 9L, 10L], rest.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seq").GetInt64()));
        Assert.Equal("e2e-05", rest.GetProperty("items")[0].GetProperty("payload").GetProperty("stationId").GetString());

        await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions());
        await silo.StopAsync();

        // After a graceful stop every accepted message is in the archive exactly once...
        var archived = await silo.ReadArchivedTelemetryAsync();
        var expected = ids.SelectMany(id => Enumerable.Range(1, perStation).Select(seq => (id, 1L, (long)seq))).Append(("e2e-02", 1L, 11L)).ToHashSet();
        Assert.Equal(archived.Count, archived.Distinct().Count());
        Assert.Equal(expected, archived.ToHashSet());

        // ...and every rejected one is dead-lettered with its reason.
        var deadLetters = await silo.ReadRejectedAsync();
        Assert.Equal(rejected.Length, deadLetters.Count);
        foreach (var (_, _, reason) in rejected)
        {
            Assert.Contains(deadLetters, d => d.Reasons.Any(r => r.StartsWith(reason + ":", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task The_api_answers_bad_input_with_problem_details_and_serves_health_and_openapi()
    {
        await using var silo = await TestSilo.StartAsync();

        foreach (var (path, parameter) in new[]
        {
            ("/stations?limit=0", "limit"),
            ("/stations?limit=abc", "limit"),
            ("/stations?status=sleepy", "status"),
            ("/stations?cursor=%21%21", "cursor"),
            ("/stations/bad%20id", "id"),
            ("/stations/st-1/telemetry?from=yesterday", "from"),
            ("/stations/st-1/telemetry?from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z", "from"),
        })
        {
            var response = await silo.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        }

        var missing = await silo.Http.GetAsync("/stations/never-reported");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/live")).StatusCode);
        var ready = await silo.GetJsonAsync("/health/ready");
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal(["orleans", "mqtt", "archive", "ingest-budget", "ingest-log"], ready.GetProperty("checks").EnumerateObject().Select(c => c.Name));

        var openApi = await silo.GetJsonAsync("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/stations/{id}/telemetry", out _));
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/swagger/index.html")).StatusCode);
    }

    [Theory]
    [InlineData("--Clustering:Provider=Zookeeper", "Clustering:Provider 'Zookeeper' is unknown")]
    [InlineData("--Archive:Provider=Tape", "Archive:Provider 'Tape' is unknown")]
    [InlineData("--Mqtt:Port=70000", "Mqtt:Port must be 1-65535")]
    [InlineData("--Mqtt:Port=abc", "Mqtt:Port")]
    [InlineData("--Station:OfflineAfter=00:00:02", "Station:IndexRefreshInterval")]
    [InlineData("--Archive:MaxUnarchivedBytesPerSilo=100", "Archive:MaxUnarchivedBytesPerSilo (100) must be at least Archive:MaxBatchBytes")]
    [InlineData("--Archive:MaxRejectedBytesPerSilo=10", "Archive:MaxRejectedBytesPerSilo (10) must be at least")]
    [InlineData("--Silo:ShutdownTimeout=00:05:00", "Silo:ShutdownTimeout must be from 00:00:30 to 00:02:00")]
    [InlineData("--Mqtt:DrainTimeout=00:01:50", "Mqtt:DrainTimeout (00:01:50) leaves station grains only")]
    public void A_misconfigured_silo_refuses_to_start_and_says_what_to_fix(string arg, string expected)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => EvSwap.Silo.SiloApp.Build([arg]));
        Assert.Contains(ex.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new string[0], 115, 30, 75)]
    [InlineData(new[] { "--Silo:ShutdownTimeout=00:01:00" }, 55, 15, 30)]
    [InlineData(new[] { "--Silo:ShutdownTimeout=00:01:00", "--Mqtt:DrainTimeout=00:00:05" }, 55, 5, 40)]
    public async Task The_stop_timeout_is_split_between_the_host_the_bridge_drain_and_the_grain_flush(string[] args, int host, int drain, int flush)
    {
        await using var app = EvSwap.Silo.SiloApp.Build(args);
        Assert.Equal(
            (host, drain, flush),
            ((int)app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout.TotalSeconds,
             (int)app.Services.GetRequiredService<IOptions<MqttOptions>>().Value.DrainTimeout.TotalSeconds,
             (int)app.Services.GetRequiredService<IOptions<global::Orleans.Configuration.GrainCollectionOptions>>().Value.DeactivationTimeout.TotalSeconds));
    }
}
