using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.EndToEndTests;

/// <summary>
/// Alarms from MQTT to an operator and a webhook: a station runs hot over MQTT, its telemetry is redelivered, the
/// alarm is worked over the API, and a signed webhook receiver that fails at first gets each event exactly once.
/// </summary>
public sealed class AlarmEndToEndTests
{
    private const string Secret = "e2e-webhook-secret-0123456789";

    private static byte[] Snapshot(string station, long seq, double tempC) => TelemetryBuilder.For(station).Seq(seq).Ambient(null, null)
        .Ready(1, "bat-1", socPct: 99, tempC: 30, sohPct: null, cycles: null)
        .Charging(2, "bat-2", socPct: 40, tempC: tempC, sohPct: null, cycles: null)
        .Json();

    [Fact]
    public async Task An_alarm_raised_over_mqtt_is_worked_over_the_api_and_each_event_reaches_the_webhook_once_after_retries()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, failuresPerEvent: 2);
        await using var silo = await TestSilo.StartAsync(
            $"--Alarms:Webhooks:0:Url={receiver.Url}",
            $"--Alarms:Webhooks:0:Secret={Secret}",
            "--Alarms:Webhooks:0:MinSeverity=major",
            "--Alarms:Webhooks:0:Kinds:0=over-temperature", // the station falls silent at the end: no offline alarm here
            "--Alarms:DeliveryInterval=00:00:00.2",
            "--Alarms:Rules:OverTemperature:ClearAfter=00:00:00");
        var publisher = await silo.ConnectPublisherAsync("alarm-e2e");
        var topic = TelemetryTopic.For("al-01");

        for (var seq = 1; seq <= 3; seq++)
        {
            await TestSilo.PublishAsync(publisher, topic, Snapshot("al-01", seq, 63));
        }

        // IoT Core redelivers what was in flight after a reconnect: the same three messages again.
        for (var seq = 1; seq <= 3; seq++)
        {
            await TestSilo.PublishAsync(publisher, topic, Snapshot("al-01", seq, 63));
        }

        await Eventually.GetAsync(() => silo.GetJsonAsync("/stations/al-01"), s => s.GetProperty("counters").GetProperty("duplicates").GetInt64() == 3);
        var listed = await Eventually.GetAsync(() => silo.GetJsonAsync("/alarms?station=al-01"), l => l.GetProperty("items").GetArrayLength() > 0);
        var alarm = Assert.Single(listed.GetProperty("items").EnumerateArray());
        var id = alarm.GetProperty("id").GetString()!;
        Assert.Equal(("al-01.over-temperature.2.b1s3", AlarmStates.ActiveUnacknowledged, AlarmSeverities.Critical),
            (id, alarm.GetProperty("state").GetString(), alarm.GetProperty("severity").GetString()));

        // Lifecycle over the API: acknowledge (who, locally the documented default), assign, comment.
        var acked = await PostAsync(silo, $"/alarms/{id}/ack", new { comment = "on my way" });
        Assert.Equal((AlarmStates.ActiveAcknowledged, "local-operator"), (acked.GetProperty("state").GetString(), acked.GetProperty("acknowledgedBy").GetString()));
        await PostAsync(silo, $"/alarms/{id}/assign", new { assignee = "tech-7" });
        var commented = await PostAsync(silo, $"/alarms/{id}/comments", new { text = "fan replaced" });
        Assert.Equal(("tech-7", 3), (commented.GetProperty("assignee").GetString(), commented.GetProperty("comments").GetArrayLength()));

        await TestSilo.PublishAsync(publisher, topic, Snapshot("al-01", 4, 35));
        var cleared = await Eventually.GetAsync(() => silo.GetJsonAsync($"/alarms/{id}"), a => a.GetProperty("state").GetString() == AlarmStates.ClearedAcknowledged);
        Assert.Equal(AlarmStates.ClearedAcknowledged, cleared.GetProperty("state").GetString());
        Assert.Single((await silo.GetJsonAsync("/alarms?state=cleared-acknowledged&kind=over-temperature")).GetProperty("items").EnumerateArray());
        Assert.Empty((await silo.GetJsonAsync("/alarms?state=active-unacknowledged&station=al-01")).GetProperty("items").EnumerateArray());

        // Every event once: two 500s, then delivered; the redelivered telemetry added nothing.
        string[] expected = [$"{id}:raised", $"{id}:acknowledged", $"{id}:cleared"];
        await Eventually.GetAsync(() => Task.FromResult(receiver.Delivered.ToList()), d => d.Count >= 3);
        await Task.Delay(TimeSpan.FromSeconds(1)); // room for a duplicate to show, were one sent
        Assert.Equal(expected.Order(), receiver.Delivered.Order());
        Assert.All(receiver.Requests, r => Assert.True(r.SignatureValid));
        foreach (var key in expected)
        {
            Assert.Equal([500, 500, 200], receiver.Requests.Where(r => r.Key == key).Select(r => r.Status));
        }

        Assert.Equal(0, (await silo.GetJsonAsync("/alarms/deliveries")).GetProperty("count").GetInt32());

        // Alarm events by kind and severity, for CloudWatch alarms.
        var metrics = await Eventually.GetAsync(() => silo.Http.GetStringAsync("/metrics"), m => m.Contains("evswap_alarms_events", StringComparison.Ordinal));
        // Only over-temperature goes to the webhook, but other rules see the same station (it falls silent at the end):
        // their raised alarms are counted on lines of their own kind.
        var raisedLine = metrics.Split('\n').Single(l => l.StartsWith("evswap_alarms_events", StringComparison.Ordinal)
            && l.Contains("event=\"raised\"", StringComparison.Ordinal) && l.Contains("kind=\"over-temperature\"", StringComparison.Ordinal));
        Assert.Contains("severity=\"critical\"", raisedLine, StringComparison.Ordinal);
        Assert.Equal("1", raisedLine.Split(' ')[1]);
        Assert.Contains("evswap_alarms_webhook_deliveries", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worn_battery_reported_over_mqtt_raises_one_battery_alarm_found_by_its_battery_id()
    {
        await using var silo = await TestSilo.StartAsync();
        var publisher = await silo.ConnectPublisherAsync("battery-alarm-e2e");
        var topic = TelemetryTopic.For("al-bat");
        var t0 = DateTimeOffset.UtcNow.AddHours(-5);
        byte[] Worn(long seq, DateTimeOffset at, double soh) => TelemetryBuilder.For("al-bat").Seq(seq).At(at).Ambient(null, null)
            .Ready(1, "bat-fresh", socPct: 99, tempC: 25, sohPct: 96, cycles: 100)
            .Ready(2, "bat-worn", socPct: 98, tempC: 26, sohPct: soh, cycles: 2100)
            .Json();

        // Docked with 66 %, then a health reading two hours later (Ledger:Batteries:HealthInterval) with 65.5 %, each sent twice.
        foreach (var (seq, at, soh) in new[] { (1L, t0, 66.0), (2L, t0.AddMinutes(1), 66.0), (3L, t0.AddHours(2).AddMinutes(2), 65.5) })
        {
            await TestSilo.PublishAsync(publisher, topic, Worn(seq, at, soh));
            await TestSilo.PublishAsync(publisher, topic, Worn(seq, at, soh));
        }

        var listed = await Eventually.GetAsync(() => silo.GetJsonAsync("/alarms?battery=bat-worn"), l => l.GetProperty("items").GetArrayLength() > 0);
        var alarm = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal((AlertKinds.BatterySohLow, "al-bat", "bat-worn", 2, AlarmSeverities.Major),
            (alarm.GetProperty("kind").GetString(), alarm.GetProperty("stationId").GetString(), alarm.GetProperty("batteryId").GetString(),
             alarm.GetProperty("slot").GetInt32(), alarm.GetProperty("severity").GetString()));
        Assert.Contains("65.5 %", alarm.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Beside the station's other alarms; nothing for the healthy battery.
        Assert.Single((await silo.GetJsonAsync("/alarms?station=al-bat")).GetProperty("items").EnumerateArray());
        Assert.Empty((await silo.GetJsonAsync("/alarms?battery=bat-fresh")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_webhook_that_keeps_failing_is_kept_as_a_failed_delivery_visible_in_the_api()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, failuresPerEvent: int.MaxValue);
        await using var silo = await TestSilo.StartAsync(
            $"--Alarms:Webhooks:0:Url={receiver.Url}",
            $"--Alarms:Webhooks:0:Secret={Secret}",
            "--Alarms:DeliveryInterval=00:00:00.2",
            "--Alarms:Webhooks:0:Kinds:0=over-temperature",
            "--Alarms:DeliveryAttempts=2",
            "--Alarms:DeliveryBackoff=00:00:00.2");
        var publisher = await silo.ConnectPublisherAsync("alarm-e2e-fail");
        for (var seq = 1; seq <= 3; seq++)
        {
            await TestSilo.PublishAsync(publisher, TelemetryTopic.For("al-02"), Snapshot("al-02", seq, 70));
        }

        var deliveries = await Eventually.GetAsync(() => silo.GetJsonAsync("/alarms/deliveries"),
            d => d.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("failed").GetBoolean()));
        var failed = Assert.Single(deliveries.GetProperty("items").EnumerateArray());
        Assert.Equal(("al-02.over-temperature.2.b1s3:raised", true, 2, "HTTP 500 Internal Server Error"),
            (failed.GetProperty("eventId").GetString(), failed.GetProperty("failed").GetBoolean(), failed.GetProperty("attempts").GetInt32(), failed.GetProperty("lastError").GetString()));
        Assert.Equal(6, receiver.Requests.Count); // two rounds of three quick tries each
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_acknowledged_alarm_survives_a_silo_restart_in_the_data_directory_or_on_dynamodb(bool dynamoDb)
    {
        await using var dynalite = dynamoDb ? await StandIns.StartDynaliteAsync() : null;
        var path = Path.Combine(Path.GetTempPath(), "evswap-alarms-" + Guid.NewGuid().ToString("N"));
        string[] args = dynalite is null
            ? [$"--Alarms:Path={path}"]
            : ["--GrainStorage:Provider=DynamoDB", $"--DynamoDB:ServiceUrl=http://127.0.0.1:{dynalite.Port}", "--DynamoDB:Region=us-east-1", "--DynamoDB:CreateIfNotExists=true"];
        const string id = "al-03.over-temperature.2.b1s3";
        try
        {
            await using (var first = await TestSilo.StartAsync(args))
            {
                var publisher = await first.ConnectPublisherAsync("alarm-e2e-restart");
                for (var seq = 1; seq <= 3; seq++)
                {
                    await TestSilo.PublishAsync(publisher, TelemetryTopic.For("al-03"), Snapshot("al-03", seq, 66));
                }

                await Eventually.GetAsync(() => first.Http.GetAsync($"/alarms/{id}"), r => r.IsSuccessStatusCode);
                await PostAsync(first, $"/alarms/{id}/ack", new { comment = "before the restart" });
            }

            await using var second = await TestSilo.StartAsync(args);
            var alarm = await second.GetJsonAsync($"/alarms/{id}");
            Assert.Equal((AlarmStates.ActiveAcknowledged, "local-operator", "before the restart"),
                (alarm.GetProperty("state").GetString(), alarm.GetProperty("acknowledgedBy").GetString(), alarm.GetProperty("comments")[0].GetProperty("text").GetString()));
        }
        finally
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    [Fact]
    public async Task With_tokens_readers_list_alarms_only_operators_acknowledge_and_the_token_names_who_did()
    {
        using var issuer = new LocalJwtIssuer();
        await using var silo = await TestSilo.StartAsync(issuer.SiloArgs);
        var publisher = await silo.ConnectPublisherAsync("alarm-e2e-jwt");
        for (var seq = 1; seq <= 3; seq++)
        {
            await TestSilo.PublishAsync(publisher, TelemetryTopic.For("al-04"), Snapshot("al-04", seq, 64));
        }

        const string id = "al-04.over-temperature.2.b1s3";
        var reader = issuer.AccessToken("evswap/read");
        await Eventually.GetAsync(() => SendAsync(silo, HttpMethod.Get, $"/alarms/{id}", reader), r => r.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(silo, HttpMethod.Post, $"/alarms/{id}/ack", reader)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(silo, HttpMethod.Post, $"/alarms/{id}/ack", null)).StatusCode);

        var acked = await SendAsync(silo, HttpMethod.Post, $"/alarms/{id}/ack", issuer.AccessToken("evswap/operate"));
        var alarm = await acked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((AlarmStates.ActiveAcknowledged, "user-1"), (alarm.GetProperty("state").GetString(), alarm.GetProperty("acknowledgedBy").GetString()));
    }

    private static async Task<HttpResponseMessage> SendAsync(TestSilo silo, HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (method == HttpMethod.Post)
        {
            request.Content = JsonContent.Create(new { });
        }

        return await silo.Http.SendAsync(request);
    }

    [Fact]
    public async Task Bad_alarm_requests_get_problem_details()
    {
        await using var silo = await TestSilo.StartAsync();

        foreach (var (path, parameter) in new[] { ("/alarms?state=sleepy", "state"), ("/alarms?kind=fire", "kind"), ("/alarms?severity=loud", "severity"), ("/alarms?limit=0", "limit"), ("/alarms?from=yesterday", "from"), ("/alarms?cursor=%21%21", "cursor"), ("/alarms?station=a.b", "station"), ("/alarms?battery=" + new string('b', 65), "battery") })
        {
            var response = await silo.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/alarms/st-1.over-temperature.1.b1s1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.PostAsJsonAsync("/alarms/nonsense/ack", new { })).StatusCode);
        var empty = await silo.Http.PostAsJsonAsync("/alarms/st-1.over-temperature.1.b1s1/comments", new { text = " " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<JsonElement> PostAsync(TestSilo silo, string path, object body)
    {
        var response = await silo.Http.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
