using System.Net;
using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.EndToEndTests;

/// <summary><c>GET /stations/{id}/series</c> on the real silo: telemetry over MQTT, batches with summaries in the archive.</summary>
public class SeriesEndToEndTests
{
    private static byte[] Snapshot(string stationId, long seq, DateTimeOffset ts) => TelemetryBuilder.For(stationId).Seq(seq).At(ts).Ambient(10 + seq, seq * 2)
        .Charging(1, "bat-1", socPct: seq, tempC: 30, sohPct: 95, cycles: 1)
        .Empty(2)
        .Json();

    [Fact]
    public async Task Series_over_mqtt_telemetry_counts_archived_and_buffered_messages_once_each()
    {
        await using var silo = await TestSilo.StartAsync("--Archive:MaxBatchMessages=4");
        using var client = await silo.ConnectPublisherAsync("series-publisher");
        var minute = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600 * 3600 - 3600);
        for (var seq = 1; seq <= 10; seq++)
        {
            await TestSilo.PublishAsync(client, TelemetryTopic.For("series-1"), Snapshot("series-1", seq, minute.AddSeconds(seq * 5)));
        }

        await Eventually.GetAsync(() => silo.GetJsonAsync("/stations/series-1"), v => v.GetProperty("seq").GetInt64() == 10);
        var from = Uri.EscapeDataString(minute.ToString("O"));
        var to = Uri.EscapeDataString(minute.AddHours(1).ToString("O"));

        var soc = await silo.GetJsonAsync($"/stations/series-1/series?metric=socPct&slot=1&from={from}&to={to}&step=1h");
        var grid = await silo.GetJsonAsync($"/stations/series-1/series?metric=gridPowerKw&from={from}&to={to}&step=60");

        var bucket = Assert.Single(Assert.Single(soc.GetProperty("series").EnumerateArray()).GetProperty("buckets").EnumerateArray());
        Assert.Equal((10L, 1.0, 5.5, 10.0, 10.0), (bucket.GetProperty("count").GetInt64(), bucket.GetProperty("min").GetDouble(), bucket.GetProperty("avg").GetDouble(), bucket.GetProperty("max").GetDouble(), bucket.GetProperty("last").GetDouble()));
        // Two batches of four were sealed and written with their summaries; the last two messages are still buffered.
        Assert.Equal((2, 0, 2), (soc.GetProperty("sources").GetProperty("summaries").GetInt32(), soc.GetProperty("sources").GetProperty("rawBatches").GetInt32(), soc.GetProperty("sources").GetProperty("buffered").GetInt32()));
        var gridLine = Assert.Single(grid.GetProperty("series").EnumerateArray());
        Assert.False(gridLine.TryGetProperty("slot", out _));
        Assert.Equal(110.0, gridLine.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("avg").GetDouble() * b.GetProperty("count").GetInt64()));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(silo.ArchivePath, "series", "v1"), "*.json.gz", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("metric=voltage", "metric")]
    [InlineData("", "metric")]
    [InlineData("metric=gridPowerKw&slot=1", "slot")]
    [InlineData("metric=socPct&slot=0", "slot")]
    [InlineData("metric=socPct&step=0", "step")]
    [InlineData("metric=socPct&step=5x", "step")]
    [InlineData("metric=socPct&step=1s&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", "step")]
    [InlineData("metric=socPct&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [InlineData("metric=socPct&from=yesterday", "from")]
    [InlineData("metric=socPct&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "from")]
    public async Task Bad_series_queries_are_answered_with_problem_details_naming_the_parameter(string query, string parameter)
    {
        await using var silo = await TestSilo.StartAsync();

        var response = await silo.Http.GetAsync($"/stations/any-station/series?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(parameter, problem.RootElement.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task A_station_that_never_reported_has_no_series()
    {
        await using var silo = await TestSilo.StartAsync();

        var response = await silo.Http.GetAsync("/stations/never-seen/series?metric=socPct");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
