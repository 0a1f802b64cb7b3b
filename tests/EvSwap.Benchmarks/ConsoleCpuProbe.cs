using EvSwap.Simulator;
using Microsoft.Playwright;

namespace EvSwap.Benchmarks;

/// <summary>
/// Issue 15's console cost: the silo's CPU at 5,000 msg/s with no console open and with ten live pages open, in
/// alternating windows (none, ten, none, ten, none, ten, none); each window with pages is compared with the two
/// without pages around it, and the figure is the median of those comparisons. Only the silo process is sampled (from
/// /proc), so the browser's and the publisher's own work is not counted, only what serving the pages costs the silo.
/// </summary>
public sealed class ConsoleCpuProbe(BenchOptions options, Report report, HttpClient http)
{
    private const double Rate = 5_000;

    /// <summary>
    /// Three comparisons: on two cores Chromium rendering ten tabs competes with the silo and the publisher, and the rate
    /// the silo takes moved by a factor of two between single windows, so one comparison gave anything from -31 % to +73 %.
    /// </summary>
    private const int Rounds = 3;

    // Every kind of live page: fleet figures and tables recompute from the fleet mirror, station pages follow one grain.
    private static readonly string[] Pages =
    [
        "/", "/", "/", "/console/fleet", "/console/fleet", "/console/fleet",
        "/console/stations/con-00000", "/console/stations/con-00001", "/console/alarms", "/console/cost",
    ];

    public async Task RunAsync(IBrowser browser, SiloProcess silo, FleetRunner fleet, CancellationToken ct)
    {
        var window = options.Quick ? TimeSpan.FromSeconds(8) : TimeSpan.FromSeconds(15);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        // Longer than the windows and the page loads need; cancelled when they are done.
        var load = fleet.ContinueAsync(Rate, window * (2 * Rounds + 1) + TimeSpan.FromSeconds(60 * Rounds + 60), stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3), ct);

        var without = new List<Window> { await SampleAsync(silo, window, ct) };
        var with = new List<Window>();
        for (var round = 0; round < Rounds; round++)
        {
            var pages = await OpenPagesAsync(browser, silo, ct);
            with.Add(await SampleAsync(silo, window, ct));
            foreach (var page in pages)
            {
                await page.CloseAsync();
            }

            // Closing a tab ends its circuit; give the silo a moment to release them before the next window.
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            without.Add(await SampleAsync(silo, window, ct));
        }

        await stop.CancelAsync();
        try
        {
            await load;
        }
        catch (Exception ex) when (stop.IsCancellationRequested && ex is OperationCanceledException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            // Cancelled mid-publish: a connection may close under a publish in flight. The windows are already measured.
        }

        var comparisons = Enumerable.Range(0, Rounds).Select(i => Compare(without[i], with[i], without[i + 1])).ToList();
        var added = Median(comparisons.Select(c => c.AddedPercent));
        // Every window at once: silo CPU per message with the pages open against without them.
        var pooled = (with.Sum(w => w.Cores) / with.Sum(w => w.Rate)) / (without.Sum(w => w.Cores) / without.Sum(w => w.Rate)) * 100 - 100;
        report.Detail("console-cpu", new { without, with, comparisons, pooled });
        report.Add(new Row("6i", $"Silo CPU added by ten open live console pages at {Rate:N0} msg/s offered", added, "% of silo CPU",
            $"median of {Rounds} comparisons ({string.Join(" / ", comparisons.Select(c => $"{c.AddedPercent:+0.0;-0.0} %"))}; all windows pooled, CPU per message {pooled:+0.0;-0.0} %): " +
            string.Join("; ", comparisons.Select(c => c.Describe())) + $"; {window.TotalSeconds:N0} s windows; target < 5 %",
            added < 5));
    }

    /// <summary>
    /// Chromium shares the cores, so the rate the silo takes moves between windows: the silo's CPU with pages open is
    /// compared with what ingest alone cost per message in the windows just before and after, at the rate it then took.
    /// </summary>
    internal static Comparison Compare(Window before, Window open, Window after)
    {
        var perMessage = (before.Cores + after.Cores) / (before.Rate + after.Rate);
        var ingestOnly = perMessage * open.Rate;
        return new Comparison(perMessage * 1e6, open.Cores, open.Rate, ingestOnly, (open.Cores - ingestOnly) / ingestOnly * 100);
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private async Task<List<IPage>> OpenPagesAsync(IBrowser browser, SiloProcess silo, CancellationToken ct)
    {
        var pages = new List<IPage>();
        foreach (var path in Pages)
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(silo.ApiUrl + path);
            await page.Locator("#live-indicator[data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });
            pages.Add(page);
        }

        // The pages' first renders and circuits are set up; the window measures them while they are live.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        return pages;
    }

    private async Task<Window> SampleAsync(SiloProcess silo, TimeSpan window, CancellationToken ct)
    {
        var cpu = silo.Sample();
        var accepted = (await SiloMetrics.ReadAsync(http, silo.ApiUrl)).Accepted;
        await Task.Delay(window, ct);
        var cpuEnd = silo.Sample();
        var acceptedEnd = (await SiloMetrics.ReadAsync(http, silo.ApiUrl)).Accepted;
        return new Window(ProcessSample.Cores(cpu, cpuEnd), (acceptedEnd - accepted) / (cpuEnd.At - cpu.At).TotalSeconds);
    }

    internal sealed record Window(double Cores, double Rate);

    internal sealed record Comparison(double IngestUsPerMessage, double OpenCores, double OpenRate, double IngestOnlyCores, double AddedPercent)
    {
        public string Describe() =>
            $"{OpenCores:N2} cores at {OpenRate:N0} msg/s open against {IngestOnlyCores:N2} for ingest alone ({IngestUsPerMessage:N0} us/msg around it)";
    }
}
