using EvSwap.Simulator;
using Microsoft.Playwright;

namespace EvSwap.Benchmarks;

/// <summary>
/// Issue 15's console cost: the silo's CPU at 5,000 msg/s with no console open, with ten live pages open, and with none
/// again; the pages' share is the difference. Only the silo process is sampled (from /proc), so the browser's and the
/// publisher's own work is not counted, only what serving the pages costs the silo.
/// </summary>
public sealed class ConsoleCpuProbe(BenchOptions options, Report report, HttpClient http)
{
    private const double Rate = 5_000;

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

        // Longer than the three windows and the page loads need; cancelled when they are done.
        var load = fleet.ContinueAsync(Rate, window * 3 + TimeSpan.FromSeconds(120), stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var before = await SampleAsync(silo, window, ct);

        var pages = new List<IPage>();
        foreach (var path in Pages)
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(silo.ApiUrl + path);
            await page.Locator("#live-indicator[data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });
            pages.Add(page);
        }

        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var open = await SampleAsync(silo, window, ct);
        foreach (var page in pages)
        {
            await page.CloseAsync();
        }

        // Closing a tab ends its circuit; give the silo a moment to release them before the last window.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var after = await SampleAsync(silo, window, ct);
        await stop.CancelAsync();
        try
        {
            await load;
        }
        catch (Exception ex) when (stop.IsCancellationRequested && ex is OperationCanceledException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            // Cancelled mid-publish: a connection may close under a publish in flight. The windows are already measured.
        }

        // Chromium shares the two cores, so the rate the silo takes moves between windows: compare the silo's CPU with
        // pages open against what ingest alone costs per message at the rate it then took.
        var perMessage = (before.Cores + after.Cores) / (before.Rate + after.Rate);
        var ingestOnly = perMessage * open.Rate;
        var added = (open.Cores - ingestOnly) / ingestOnly * 100;
        report.Detail("console-cpu", new { before, open, after });
        report.Add(new Row("6i", $"Silo CPU added by ten open live console pages at {Rate:N0} msg/s offered", added, "% of silo CPU",
            $"ingest alone {perMessage * 1e6:N0} us per message ({before.Cores:N2} / {after.Cores:N2} cores at {before.Rate:N0} / {after.Rate:N0} msg/s, before / after); " +
            $"with ten open {open.Cores:N2} cores at {open.Rate:N0} msg/s, where ingest alone would take {ingestOnly:N2}; {window.TotalSeconds:N0} s windows; target < 5 %",
            added < 5));
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

    private sealed record Window(double Cores, double Rate);
}
