using System.Diagnostics;
using System.Text.Json;

namespace EvSwap.Benchmarks;

/// <summary>
/// Issue 18's "scale" figures for one silo (embedded broker, memory storage, file archive): a fleet of
/// <see cref="BenchOptions.ScaleStations"/> stations at one message per minute. Bounded in count (every phase publishes a
/// fixed number of messages) and in time (every wait has a limit, and a missed limit is reported, not waited out).
/// </summary>
public sealed class ScaleScenario(BenchOptions options, Report report, HttpClient http)
{
    private const string Prefix = "sc-";

    public async Task RunAsync(CancellationToken ct)
    {
        var stations = options.ScaleStations;
        var minute = TimeSpan.FromMinutes(1);
        await using var silo = await SiloProcess.StartAsync("scale", options.WorkDir, []);
        await Benchmark.LoadAsync(silo.MqttPort, 100, 1_000, TimeSpan.FromSeconds(3), "warm-", ct);
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var before = silo.Sample();
        var m0 = await SiloMetrics.ReadAsync(http, silo.ApiUrl);

        // (a) Cold start: the whole fleet arrives at its normal pace (one message per station per minute, spread over the
        // minute), and every station must become visible in the fleet list. The same simulator process then goes on at
        // that pace for the steady window (c), so the fleet is the same fleet, not a reboot of every station.
        var window = options.Quick ? minute : 2 * minute;
        var clock = Stopwatch.StartNew();
        var fleet = SimulatorProcess.RunAsync(silo.MqttPort, stations, Prefix, ["--interval", "1m", "--duration", $"{(minute + window).TotalSeconds}s", "--connections", "8"], options.WorkDir, ct);
        var applied = await WaitAsync(async () => (await SiloMetrics.ReadAsync(http, silo.ApiUrl)).Accepted - m0.Accepted >= stations, TimeSpan.FromMinutes(5), ct);
        var (listed, fullListSeconds) = await CountListedAsync(silo, ct);
        var visible = clock.Elapsed.TotalSeconds;
        report.Add(new Row("6a", $"Cold start: {stations:N0} stations at 1 msg/min into a fresh silo, until all are in the fleet list", visible, "s",
            $"{listed:N0} listed, all applied: {applied}; the arrival itself spreads over 60 s (standalone simulator)", listed == stations && applied));

        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var after = silo.Sample();
        var perStation = (after.RssBytes - before.RssBytes) / (double)stations;
        report.Add(new Row("6b", $"Memory per station (RSS delta / {stations:N0} active stations, one snapshot each)", perStation / 1024, "KB",
            $"RSS {before.RssBytes / 1048576.0:N0} -> {after.RssBytes / 1048576.0:N0} MiB; target <= 8 KB", perStation <= 8 * 1024));

        // (b) Fleet page latency, under the steady load: the first page, and a filtered page, which today scans every
        // shard's stations for matches.
        foreach (var (id, name, path) in new[]
        {
            ("6c", "first page", "/stations?limit=100"),
            ("6d", "filtered page (status=offline: no match, every station scanned)", "/stations?limit=100&status=offline"),
        })
        {
            var samples = await TimeGetsAsync(silo.ApiUrl + path, 20, ct);
            report.Add(new Row(id, $"Fleet list {name}, {stations:N0} stations: p50 of 20", samples[samples.Count / 2], "ms",
                $"max {samples[^1]:N1} ms; full listing by 1,000-station pages took {fullListSeconds:N1} s"));
        }

        // (c) Steady state: every message the simulator published, arrival and window, applied once.
        var published = (await fleet).Published;
        await WaitAsync(async () => (await SiloMetrics.ReadAsync(http, silo.ApiUrl)).Accepted - m0.Accepted >= published, TimeSpan.FromSeconds(60), ct);
        var lost = published - ((await SiloMetrics.ReadAsync(http, silo.ApiUrl)).Accepted - m0.Accepted);
        report.Add(new Row("6e", $"Arrival and {window.TotalMinutes:N0} min steady at 1 msg/min per station: messages not applied", lost, "msgs",
            $"{published:N0} published in {clock.Elapsed.TotalSeconds:N0} s", lost == 0));

        // (d) Reconnect storm: every station reconnects (a new simulator process: new boots) and sends one message within a
        // few seconds (20,000 stations per second, at least one second), as a fleet does when IoT Core comes back. The
        // simulator may not reach that rate; the row says how many stations it got out in the burst.
        var m2 = await SiloMetrics.ReadAsync(http, silo.ApiUrl);
        clock.Restart();
        var burst = TimeSpan.FromSeconds(Math.Max(1, stations / 20_000.0));
        var storm = await SimulatorProcess.RunAsync(silo.MqttPort, stations, Prefix, ["--interval", $"{burst.TotalSeconds}s", "--duration", $"{burst.TotalSeconds}s", "--connections", "8"], options.WorkDir, ct);
        var recovered = await WaitAsync(async () => (await SiloMetrics.ReadAsync(http, silo.ApiUrl)).Accepted - m2.Accepted >= storm.Published, TimeSpan.FromMinutes(3), ct);
        report.Add(new Row("6f", $"Reconnect storm: all {stations:N0} stations send within {burst.TotalSeconds:N0} s; time until every message is applied", clock.Elapsed.TotalSeconds, "s",
            $"{storm.Published:N0} published, the simulator took {storm.Seconds:N1} s ({storm.MessagesPerSecond:N0} msg/s); recovered within 3 min: {recovered}", recovered));

        await silo.StopAsync(TimeSpan.FromSeconds(120));
    }

    /// <summary>Pages through the whole fleet list (1,000 per page) and counts the scenario's stations.</summary>
    private async Task<(int Listed, double Seconds)> CountListedAsync(SiloProcess silo, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (listed, cursor, pages) = (0, (string?)null, 0);
        do
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync($"{silo.ApiUrl}/stations?limit=1000{(cursor is null ? "" : "&cursor=" + cursor)}", ct));
            listed += page.RootElement.GetProperty("items").EnumerateArray().Count(i => i.GetProperty("stationId").GetString()!.StartsWith(Prefix, StringComparison.Ordinal));
            cursor = page.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null && ++pages < 1_000);

        return (listed, clock.Elapsed.TotalSeconds);
    }

    private async Task<List<double>> TimeGetsAsync(string url, int count, CancellationToken ct)
    {
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(url, ct);
            response.EnsureSuccessStatusCode();
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }

        samples.Sort();
        return samples;
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> done, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await done())
            {
                return true;
            }

            await Task.Delay(500, ct);
        }

        return await done();
    }
}
