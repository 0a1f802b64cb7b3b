using System.Diagnostics;
using EvSwap.Ledger;

namespace EvSwap.Benchmarks;

/// <summary>
/// Issue 14's export figure: a month of a 1,000-station fleet's swaps (144 a day each, the simulator's default six an
/// hour) as CSV from <c>GET /swaps</c>, streamed by a Release silo on the local profile's SQLite ledger. The ledger is
/// written straight to its file before the silo starts, so only the export is timed; the silo's resident memory is
/// sampled through the export to show that the month is streamed, not loaded.
/// </summary>
public sealed class SwapExportScenario(BenchOptions options, Report report)
{
    private const int SwapsPerStationPerDay = 144;
    private const int Days = 30;
    private static readonly DateTimeOffset MonthStart = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task RunAsync(CancellationToken ct)
    {
        var stations = options.Quick ? 100 : 1_000;
        var ledger = Path.Combine(options.WorkDir, "swaps-export-ledger", "swaps.db");
        var written = await FillAsync(ledger, stations, ct);

        await using var silo = await SiloProcess.StartAsync("swaps-export", options.WorkDir, [$"Ledger:Path={ledger}"]);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{silo.ApiUrl}/swaps?from={MonthStart.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}&to={MonthStart.AddDays(Days).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        request.Headers.Accept.ParseAdd("text/csv");
        using var export = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };

        var before = silo.Sample();
        long peakRss = before.RssBytes;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, silo.Sample().RssBytes);
                await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        using var response = await export.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        var firstByte = clock.Elapsed;
        var (bytes, lines) = await CountAsync(await response.Content.ReadAsStreamAsync(ct), ct);
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;
        var after = silo.Sample();

        // A header line, then one line per swap: anything else is a wrong export, not a slow one.
        if (lines != written + 1)
        {
            throw new InvalidOperationException($"the export has {lines - 1:N0} swap lines; the ledger holds {written:N0}");
        }

        var how = $"{stations:N0} stations x {Days} days x {SwapsPerStationPerDay} swaps = {written:N0} records, SQLite ledger, GET /swaps with Accept: text/csv, read to the end";
        report.Add(new Row("10a", $"CSV export of a month of swaps, {stations:N0} stations", clock.Elapsed.TotalSeconds, "s",
            $"{written / clock.Elapsed.TotalSeconds:N0} records/s, {bytes / 1048576.0:N0} MiB, first byte after {firstByte.TotalMilliseconds:N0} ms", How: how));
        report.Add(new Row("10b", "Silo resident memory growth during the export (peak minus before)", (peakRss - before.RssBytes) / 1048576.0, "MiB",
            $"RSS {before.RssBytes / 1048576.0:N0} MiB before, peak {peakRss / 1048576.0:N0} MiB, {after.RssBytes / 1048576.0:N0} MiB after; the CSV alone is {bytes / 1048576.0:N0} MiB",
            Met: peakRss - before.RssBytes < bytes / 4));
        await silo.StopAsync(TimeSpan.FromSeconds(60));
    }

    private static async Task<long> FillAsync(string path, int stations, CancellationToken ct)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        var store = new SqliteSwapStore(path, new LedgerMetrics());
        var random = new Random(14);
        var clock = Stopwatch.StartNew();
        long written = 0;
        var interval = TimeSpan.FromDays(1) / SwapsPerStationPerDay;
        for (var day = 0; day < Days; day++)
        {
            var batch = new List<SwapRecord>(stations * SwapsPerStationPerDay);
            for (var s = 0; s < stations; s++)
            {
                var station = $"sim-{s:00000}";
                for (var n = 0; n < SwapsPerStationPerDay; n++)
                {
                    var seq = (long)day * 17_280 + n * 120 + 1;
                    var at = MonthStart.AddDays(day) + interval * n + TimeSpan.FromSeconds(random.Next(0, 60));
                    var socIn = Math.Round(10 + random.NextDouble() * 40, 1);
                    var socOut = Math.Round(95 + random.NextDouble() * 5, 1);
                    batch.Add(new SwapRecord(SwapRecord.IdOf(station, 1, seq, 0), station, at, 1, seq, 0,
                        1 + random.Next(16), $"{station}-bat-{random.Next(64):00}", socIn, 1 + random.Next(16), $"{station}-bat-{random.Next(64):00}", socOut,
                        Math.Round((socOut - socIn) / 100 * 1.6, 3)));
                }
            }

            // In key order, as a live ledger is written: random order makes SQLite split pages all over the file.
            batch.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            await store.WriteAsync(batch, ct);
            written += batch.Count;
        }

        System.Console.WriteLine($"   wrote {written:N0} swap records in {clock.Elapsed.TotalSeconds:N0} s ({new FileInfo(path).Length / 1048576.0:N0} MiB)");
        return written;
    }

    private static async Task<(long Bytes, long Lines)> CountAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        long bytes = 0, lines = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            bytes += read;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return (bytes, lines);
    }
}
