using EvSwap.Testing;
using Microsoft.Playwright;

namespace EvSwap.Console.Tests;

/// <summary>
/// Every console page in a real browser against a real silo fed over MQTT: live figures move without a reload, the
/// fleet table filters, a station shows its slots and charts, the keyboard reaches the content, and no page logs an
/// error. Each test saves its page's screenshot to docs/screenshots.
/// </summary>
public sealed class BrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>Bounds a failing wait only; the tests assert what the page shows, never how fast.</summary>
    private static readonly LocatorAssertionsToHaveTextOptions Patience = new() { Timeout = 20_000 };

    private async Task<(IPage Page, List<string> Errors)> OpenAsync(string path)
    {
        var page = await fixture.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(new Uri(fixture.Silo.BaseAddress, path).ToString());
        // Interactive: the Blazor circuit is up, so pushed changes and input reach the page.
        await page.Locator("#live-indicator[data-interactive=true]").WaitForAsync(new() { Timeout = 20_000 });
        return (page, errors);
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    private async Task FeedAsync(string prefix, int stations, int messages)
    {
        for (var m = 0; m < messages; m++)
        {
            for (var s = 0; s < stations; s++)
            {
                await fixture.Silo.PublishAsync($"{prefix}-{s:D3}", swap: m == 2 && s % 2 == 0, fault: m == 3 && s == 1);
            }
        }
    }

    [Fact]
    public async Task Stylesheets_and_scripts_are_served_as_compressed_at_build_and_the_same_bytes_each_time()
    {
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None }) { BaseAddress = fixture.Silo.BaseAddress };
        foreach (var asset in new[] { "_content/MudBlazor/MudBlazor.min.css", "_framework/blazor.web.js" })
        {
            var plain = await http.GetByteArrayAsync(asset);
            var tags = new HashSet<string>();
            for (var i = 0; i < 2; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, asset);
                request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();

                Assert.Contains("gzip", response.Content.Headers.ContentEncoding);
                // MudBlazor's stylesheet gzips to about a ninth of its 627 KB; stored without compression it is larger.
                Assert.True(body.Length * 3 < plain.Length, $"{asset}: {body.Length:N0} bytes gzip against {plain.Length:N0} plain");
                tags.Add(response.Headers.ETag!.Tag);
            }

            // Compressed once at build, not again for each request.
            Assert.Single(tags);
        }
    }

    [Fact]
    public async Task The_overview_shows_the_fleet_and_a_new_station_appears_without_a_reload()
    {
        await FeedAsync("ov", stations: 6, messages: 4);
        var (page, errors) = await OpenAsync("/");
        await Assertions.Expect(page).ToHaveTitleAsync("Fleet overview - EvSwap");
        var stations = page.Locator("#figure-stations");
        await Assertions.Expect(stations).Not.ToHaveTextAsync("0", new() { Timeout = 20_000 });
        var before = int.Parse(await stations.TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture);

        await fixture.Silo.PublishAsync("ov-new");

        await Assertions.Expect(stations).ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Patience);
        await Assertions.Expect(page.Locator("#figure-swaps")).Not.ToHaveTextAsync("0", Patience);
        // Keyboard: a page opens with focus on its heading (screen readers announce it), and Tab goes on into its content.
        Assert.Equal("H1", await page.EvaluateAsync<string>("document.activeElement.tagName"));
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("document.querySelector('main').contains(document.activeElement) && document.activeElement.tagName === 'A'"));
        await ScreenshotAsync(page, "overview");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_fleet_table_searches_filters_and_opens_a_station()
    {
        await FeedAsync("tb", stations: 30, messages: 1);
        var (page, errors) = await OpenAsync("/console/fleet");
        await Assertions.Expect(page).ToHaveTitleAsync("Fleet table - EvSwap");

        await page.GetByLabel("Search by station id").FillAsync("tb-01");
        await Assertions.Expect(page.Locator("#fleet-table tbody tr")).ToHaveCountAsync(10, new() { Timeout = 20_000 });
        await page.GetByLabel("Status").SelectOptionAsync("Online");
        await Assertions.Expect(page.Locator("#fleet-count")).ToContainTextAsync("10 stations match", new() { Timeout = 20_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Station", Exact = false }).First.ClickAsync();
        await Assertions.Expect(page.Locator("#fleet-table tbody tr").First.Locator("td").First).ToHaveTextAsync("tb-019", Patience);
        await ScreenshotAsync(page, "fleet-table");

        await page.GetByRole(AriaRole.Link, new() { Name = "tb-019" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Station tb-019", Patience);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_station_shows_its_slots_charts_and_timeline_and_follows_new_telemetry()
    {
        await FeedAsync("stn", stations: 2, messages: 12);
        var (page, errors) = await OpenAsync("/console/stations/stn-001");
        await Assertions.Expect(page).ToHaveTitleAsync("Station stn-001 - EvSwap");
        await Assertions.Expect(page.Locator(".slot")).ToHaveCountAsync(8);
        await Assertions.Expect(page.Locator("#slot-4 .slot-state")).ToContainTextAsync("charging");
        foreach (var chart in new[] { "#chart-soc", "#chart-temp", "#chart-grid", "#chart-ambient" })
        {
            await Assertions.Expect(page.Locator($"{chart} svg").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await Assertions.Expect(page.Locator($"{chart} .chart-summary")).ToContainTextAsync("readings");
        }

        await Assertions.Expect(page.Locator("#timeline li")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("fault OVERTEMP in slot 4");
        var messages = page.Locator("#station-messages");
        await Assertions.Expect(messages).ToHaveTextAsync("12", Patience);

        await fixture.Silo.PublishAsync("stn-001");
        await fixture.Silo.PublishAsync("stn-001");

        // Pushed by the station grain to the open page: no reload, no polling.
        await Assertions.Expect(messages).ToHaveTextAsync("14", Patience);
        await Assertions.Expect(page.Locator("#station-seq")).ToHaveTextAsync("14", Patience);
        await page.GetByLabel("Last 24 hours").CheckAsync();
        await Assertions.Expect(page.Locator("#chart-soc .chart-summary")).ToContainTextAsync("readings", new() { Timeout = 20_000 });
        await ScreenshotAsync(page, "station");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_cost_page_prices_every_silos_own_counters()
    {
        await FeedAsync("cost", stations: 3, messages: 3);
        var (page, errors) = await OpenAsync("/console/cost");
        await Assertions.Expect(page).ToHaveTitleAsync("Cost - EvSwap");

        await Assertions.Expect(page.Locator("#cost-messages")).Not.ToHaveTextAsync("0", Patience);
        await Assertions.Expect(page.Locator("#cost-silos")).ToHaveTextAsync("1 silo", Patience);
        Assert.StartsWith("$", await page.Locator("#cost-total").TextContentAsync());
        Assert.StartsWith("$", await page.Locator("#cost-serverless-total").TextContentAsync());
        await ScreenshotAsync(page, "cost");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task An_over_temperature_alarm_appears_and_is_acknowledged_in_the_browser()
    {
        for (var m = 0; m < 3; m++)
        {
            await fixture.Silo.PublishAsync("alm-001", hot: true);
        }

        var (page, errors) = await OpenAsync("/console/alarms");
        await Assertions.Expect(page).ToHaveTitleAsync("Alarms - EvSwap");
        await page.GetByLabel("Kind").SelectOptionAsync("over-temperature");
        await page.GetByLabel("Station id").FillAsync("alm-001");
        await page.GetByLabel("Station id").PressAsync("Enter");

        // The page reads the alarm shards again every few seconds: the alarm shows up without a reload.
        var row = page.Locator("#alarm-table tbody tr", new() { HasText = "alm-001" });
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(row.Locator(".alarm-state")).ToHaveTextAsync("⚠ active-unacknowledged");
        await Assertions.Expect(row).ToContainTextAsync("critical");
        await row.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();

        await Assertions.Expect(row.Locator(".alarm-state")).ToHaveTextAsync("◐ active-acknowledged", Patience);
        await Assertions.Expect(row.Locator(".alarm-ack")).ToContainTextAsync("by local-operator");
        var stored = await fixture.Silo.GetJsonAsync("/alarms?station=alm-001&kind=over-temperature");
        Assert.Equal("local-operator", stored.GetProperty("items")[0].GetProperty("acknowledgedBy").GetString());
        await ScreenshotAsync(page, "alarms");

        var id = await row.GetAttributeAsync("data-alarm");
        await row.GetByRole(AriaRole.Link, new() { Name = "over-temperature at alm-001", Exact = false }).ClickAsync();
        await Assertions.Expect(page).ToHaveTitleAsync($"Alarm {id} - EvSwap", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#alarm-acknowledged")).ToContainTextAsync("by local-operator");
        await page.GetByLabel("Assign to", new() { Exact = true }).FillAsync("field-team-3");
        await page.GetByLabel("Assign to", new() { Exact = true }).PressAsync("Enter");
        await Assertions.Expect(page.Locator("#alarm-assignee")).ToHaveTextAsync("field-team-3", Patience);
        await page.GetByLabel("Comment", new() { Exact = true }).FillAsync("fan replaced");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add comment" }).ClickAsync();
        await Assertions.Expect(page.Locator("#alarm-comments li").Last).ToContainTextAsync("local-operator, ", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#alarm-comments li").Last).ToContainTextAsync("fan replaced");
        var alarm = await fixture.Silo.GetJsonAsync($"/alarms/{id}");
        Assert.Equal("field-team-3", alarm.GetProperty("assignee").GetString());
        Assert.Equal(["assigned to field-team-3", "fan replaced"], alarm.GetProperty("comments").EnumerateArray().Select(c => c.GetProperty("text").GetString()));
        await ScreenshotAsync(page, "alarm");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_battery_list_filters_by_station_and_a_battery_shows_its_custody_and_health()
    {
        await FeedAsync("bt", stations: 1, messages: 3);
        await Eventually.GetAsync(() => fixture.Silo.GetJsonAsync("/batteries?station=bt-000"), j => j.GetProperty("items").GetArrayLength() >= 2);

        var (page, errors) = await OpenAsync("/console/batteries");
        await Assertions.Expect(page).ToHaveTitleAsync("Batteries - EvSwap");
        await page.GetByLabel("In station").FillAsync("bt-000");
        await page.GetByLabel("In station").PressAsync("Enter");
        var row = page.Locator("#battery-table tbody tr", new() { HasText = "bat-bt-000-2" });
        await Assertions.Expect(row).ToContainTextAsync("in-station", new() { Timeout = 20_000 });
        await Assertions.Expect(row).ToContainTextAsync("95 %");
        await ScreenshotAsync(page, "batteries");

        await row.GetByRole(AriaRole.Link, new() { Name = "bat-bt-000-2" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Battery bat-bt-000-2", Patience);
        await Assertions.Expect(page).ToHaveTitleAsync("Battery bat-bt-000-2 - EvSwap");
        await Assertions.Expect(page.Locator("#battery-custody")).ToHaveTextAsync("▣ in-station");
        await Assertions.Expect(page.Locator("#custody-table tbody tr").First).ToContainTextAsync("docked");
        await Assertions.Expect(page.Locator("#chart-soh svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#chart-soh .chart-summary")).ToContainTextAsync("1 point from");
        await Assertions.Expect(page.Locator("#chart-battery-temp .chart-summary")).ToContainTextAsync("1 point from");
        await ScreenshotAsync(page, "battery");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_swaps_page_finds_a_swap_and_downloads_it_as_csv()
    {
        await FeedAsync("sw", stations: 2, messages: 3);
        await Eventually.GetAsync(() => fixture.Silo.GetJsonAsync("/swaps?station=sw-000"), j => j.GetProperty("items").GetArrayLength() == 1);

        var (page, errors) = await OpenAsync("/console/swaps");
        await Assertions.Expect(page).ToHaveTitleAsync("Swaps - EvSwap");
        await page.GetByLabel("Station id").FillAsync("sw-000");
        await page.GetByLabel("Station id").PressAsync("Enter");
        var rows = page.Locator("#swap-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(rows.First).ToContainTextAsync("slot 1, bat-sw-000-1");
        await Assertions.Expect(rows.First).ToContainTextAsync("slot 8, bat-in");
        await ScreenshotAsync(page, "swaps");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download CSV", Exact = false }).ClickAsync());
        var lines = (await File.ReadAllTextAsync(await download.PathAsync())).TrimEnd().Split("\r\n");
        Assert.Equal("id,stationId,at,boot,seq,eventIndex,slotIn,batteryIn,socInPct,slotOut,batteryOut,socOutPct,energyKwh", lines[0]);
        Assert.Single(lines, l => l.StartsWith("sw-000:", StringComparison.Ordinal));
        Assert.Equal(2, lines.Length);
        Assert.Empty(errors);
    }
}
