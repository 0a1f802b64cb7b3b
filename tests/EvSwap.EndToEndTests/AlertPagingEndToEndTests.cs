using System.Net;
using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.EndToEndTests;

/// <summary><c>GET /alerts</c> over the real silo host: paged by cursor, bad paging input answered with problem details.</summary>
public sealed class AlertPagingEndToEndTests
{
    [Fact]
    public async Task Alerts_page_by_cursor_through_every_active_alert_exactly_once_in_station_kind_slot_order()
    {
        await using var silo = await TestSilo.StartAsync();
        using var client = await silo.ConnectPublisherAsync("alert-paging");

        // Seven stations with two faulted slots each: fourteen alerts, paged five at a time, so pages end mid-station.
        var ids = Enumerable.Range(0, 7).Select(i => $"alerting-{i}").ToList();
        foreach (var id in ids)
        {
            var message = TelemetryBuilder.For(id).Ambient(null, null).Faulted(1).Ready(2, "b", socPct: 99, tempC: 25, sohPct: null, cycles: null).Faulted(3);
            await TestSilo.PublishAsync(client, TelemetryTopic.For(id), message.Json());
        }

        await Eventually.GetAsync(() => silo.GetJsonAsync("/alerts?limit=1000"), a => a.GetProperty("count").GetInt32() == 14);

        var seen = new List<(string Station, int Slot)>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await silo.GetJsonAsync("/alerts?limit=5" + (cursor is null ? "" : "&cursor=" + cursor));
            pages++;
            Assert.True(page.GetProperty("count").GetInt32() <= 5);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(a => (a.GetProperty("stationId").GetString()!, a.GetProperty("slot").GetInt32())));
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(ids.SelectMany(id => new[] { (id, 1), (id, 3) }), seen);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=ten")]
    [InlineData("cursor=not-a-cursor!")]
    [InlineData("cursor=c3QtMQ")]
    public async Task Bad_paging_input_is_a_400_problem_naming_the_parameter(string query)
    {
        await using var silo = await TestSilo.StartAsync();

        var response = await silo.Http.GetAsync("/alerts?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(query.Split('=')[0], await response.Content.ReadAsStringAsync());
    }
}
