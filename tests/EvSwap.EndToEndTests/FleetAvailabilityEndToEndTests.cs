using System.Net;
using System.Text.Json;
using EvSwap.Testing;

namespace EvSwap.EndToEndTests;

/// <summary><c>GET /stations</c> filtered and sorted by the availability forecast, through the API, index shards and stations over MQTT.</summary>
public class FleetAvailabilityEndToEndTests
{
    [Fact]
    public async Task The_fleet_list_sorts_and_filters_by_charged_batteries_expected_and_pages_with_its_cursor()
    {
        await using var silo = await TestSilo.StartAsync();
        var prefix = "fa-" + Guid.NewGuid().ToString("N")[..8];
        var readyCounts = new Dictionary<string, int> { [prefix + "-a"] = 2, [prefix + "-b"] = 1, [prefix + "-c"] = 3 };
        foreach (var (id, ready) in readyCounts)
        {
            await using var station = await TestStation.ConnectAsync(silo.MqttPort, id);
            var snapshot = TelemetryBuilder.For(id).Seq(1);
            for (var slot = 1; slot <= ready; slot++)
            {
                snapshot.Ready(slot, $"{id}-bat-{slot}", socPct: 99);
            }

            await station.PublishTelemetryAsync(snapshot.Charging(ready + 1, $"{id}-bat-9", socPct: 20).Json());
        }

        await Eventually.GetAsync(() => silo.GetJsonAsync("/stations?limit=1000"), list => list.GetProperty("items").GetArrayLength() == 3);

        // By id the two with at least 2 would come a, c; by availability c (3) comes first.
        var first = await silo.GetJsonAsync("/stations?sort=available&availableIn=15m&minAvailable=2&limit=1");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await silo.GetJsonAsync($"/stations?sort=available&availableIn=15m&minAvailable=2&limit=1&cursor={cursor}");

        var firstRow = Assert.Single(first.GetProperty("items").EnumerateArray());
        Assert.Equal((prefix + "-c", 3), (firstRow.GetProperty("stationId").GetString(), firstRow.GetProperty("outlook").GetProperty("in15m").GetInt32()));
        var secondRow = Assert.Single(second.GetProperty("items").EnumerateArray());
        Assert.Equal(prefix + "-a", secondRow.GetProperty("stationId").GetString());
        Assert.False(second.TryGetProperty("nextCursor", out var end) && end.ValueKind == JsonValueKind.String);

        var sameCursorOtherHorizon = await silo.Http.GetAsync($"/stations?sort=available&availableIn=60m&cursor={cursor}");
        var badHorizon = await silo.Http.GetAsync("/stations?sort=available&availableIn=45m");
        foreach (var (response, parameter) in new[] { (sameCursorOtherHorizon, "cursor"), (badHorizon, "availableIn") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(parameter, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").GetString());
        }
    }
}
