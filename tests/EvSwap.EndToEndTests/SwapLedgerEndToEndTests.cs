using System.Globalization;
using System.Net;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.EndToEndTests;

/// <summary>Swaps published over MQTT come out of the ledger API once each, as JSON pages, as CSV and as day totals.</summary>
public class SwapLedgerEndToEndTests
{
    private static byte[] Snapshot(string stationId, long seq, int swapNumber) => TelemetryBuilder.For(stationId).Seq(seq).Ambient(null, null)
        .Empty(1)
        .Charging(2, $"bat-in-{swapNumber}", socPct: 20, tempC: 30, sohPct: 100, cycles: 5)
        .Event(new StationEvent { Type = EventTypes.Swap, At = DateTimeOffset.UtcNow, SlotIn = 2, BatteryIn = $"bat-in-{swapNumber}", SocIn = 20, SlotOut = 1, BatteryOut = $"bat-out-{swapNumber}", SocOut = 95 })
        .Json();

    private sealed class CsvRow
    {
        public string Id { get; set; } = "";
        public string StationId { get; set; } = "";
        public DateTime At { get; set; }
        public long Seq { get; set; }
        public string? BatteryIn { get; set; }
        public string? BatteryOut { get; set; }
        public double? SocInPct { get; set; }
        public double? SocOutPct { get; set; }
        public double? EnergyKwh { get; set; }
    }

    [Fact]
    public async Task Swaps_published_over_mqtt_and_redelivered_are_listed_paged_exported_as_csv_and_totalled_once_each()
    {
        await using var silo = await TestSilo.StartAsync("--Ledger:DefaultCapacityKwh=2");
        using var client = await silo.ConnectPublisherAsync("e2e-ledger");
        var station = "e2e-swaps-" + Guid.NewGuid().ToString("N")[..6];
        const int swaps = 7;
        for (var seq = 1; seq <= swaps; seq++)
        {
            await TestSilo.PublishAsync(client, TelemetryTopic.For(station), Snapshot(station, seq, seq));
        }

        // Redeliveries, as after a reconnect: the same (boot, seq), so the same swap ids.
        await TestSilo.PublishAsync(client, TelemetryTopic.For(station), Snapshot(station, 3, 3));
        await TestSilo.PublishAsync(client, TelemetryTopic.For(station), Snapshot(station, 5, 5));

        var all = await Eventually.GetAsync(() => silo.GetJsonAsync($"/swaps?station={station}&limit=1000"), j => j.GetProperty("items").GetArrayLength() >= swaps);
        Assert.Equal(swaps, all.GetProperty("items").GetArrayLength());

        // Pages of 3 follow nextCursor to the end and see each swap once, in order.
        var paged = new List<string>();
        string? cursor = null;
        do
        {
            var page = await silo.GetJsonAsync($"/swaps?station={station}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
            paged.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);
        Assert.Equal(Enumerable.Range(1, swaps).Select(seq => $"{station}:1:{seq}:0"), paged);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/swaps?station={station}");
        request.Headers.Accept.ParseAdd("text/csv");
        using var response = await silo.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        using var csv = new CsvReader(new StreamReader(await response.Content.ReadAsStreamAsync()), new CsvConfiguration(CultureInfo.InvariantCulture) { HeaderValidated = null, MissingFieldFound = null, PrepareHeaderForMatch = a => a.Header.ToLowerInvariant() });
        var rows = await csv.GetRecordsAsync<CsvRow>().ToListAsync();
        Assert.Equal(paged, rows.Select(r => r.Id));
        Assert.All(rows, r => Assert.Equal((station, 20.0, 95.0), (r.StationId, r.SocInPct!.Value, r.SocOutPct!.Value)));
        // 2 kWh x (0.95 - 0.20)
        Assert.All(rows, r => Assert.Equal(1.5, r.EnergyKwh!.Value, 6));

        var battery = await silo.GetJsonAsync("/swaps?battery=bat-out-4");
        Assert.Equal([$"{station}:1:4:0"], battery.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));

        var daily = await silo.GetJsonAsync($"/stations/{station}/swaps/daily");
        var today = Assert.Single(daily.GetProperty("days").EnumerateArray());
        Assert.Equal((swaps, 1.5 * swaps), (today.GetProperty("swaps").GetInt32(), Math.Round(today.GetProperty("energyKwh").GetDouble(), 6)));

        using var bad = await silo.Http.GetAsync("/swaps?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("from", (await JsonDocument.ParseAsync(await bad.Content.ReadAsStreamAsync())).RootElement.GetProperty("parameter").GetString());
    }
}
