using System.Diagnostics;

namespace EvSwap.Benchmarks;

/// <summary>
/// Scenario <c>onboarding</c> (issue 14): a fleet of stations the silo has never seen, whose first snapshots dock 16
/// batteries each, with the silo-wide budget of battery grain calls off and as shipped, in one run. Ingest is messages
/// published divided by the time until the silo had accepted all of them; the dockings are counted by the battery
/// grains' calls until every battery is in the ledger.
/// </summary>
public sealed class OnboardingScenario(BenchOptions options, Report report, HttpClient http)
{
    private const int BatteriesPerStation = 16;
    private const double Offered = 10_000;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private static readonly (string Id, string Name, string[] Settings)[] Variants =
    [
        ("11a", "no silo budget (per-station pacing only)", ["Ledger:Batteries:MaxCallsPerSecond=0"]),
        ("11b", "as shipped (Ledger:Batteries:MaxCallsPerSecond=1000)", []),
    ];

    public async Task RunAsync(CancellationToken ct)
    {
        var stations = options.Quick ? 2_000 : 10_000;
        var rounds = options.Quick ? 1 : 2;
        foreach (var (id, name, settings) in Variants)
        {
            var rates = new List<double>();
            var cpu = new List<double>();
            var docked = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                var (rate, cpuPerMessage, dockedAfter) = await MeasureAsync($"onboard-{id}-{round}", settings, stations, ct);
                rates.Add(rate);
                cpu.Add(cpuPerMessage);
                docked.Add(dockedAfter);
            }

            report.Detail("onboarding-" + id, new { name, rates, cpu, docked });
            report.Add(new Row(id, $"Onboarding, {name}: {stations:N0} new stations offered {Offered:N0} msg/s for {Window.TotalSeconds:N0} s", rates.Average(), "msg/s",
                $"{cpu.Average():N0} us silo CPU per message until all were accepted; all {stations * BatteriesPerStation:N0} batteries docked {docked.Average():N0} s after the load began; " +
                $"rounds {string.Join(" / ", rates.Select(r => r.ToString("N0")))}, each on a fresh silo"));
        }
    }

    private async Task<(double Rate, double CpuPerMessage, double DockedAfter)> MeasureAsync(string name, string[] settings, int stations, CancellationToken ct)
    {
        await using var silo = await SiloProcess.StartAsync(name, options.WorkDir, settings);
        var before = await SiloMetrics.ReadAsync(http, silo.ApiUrl);
        var cpu = silo.Sample();
        var clock = Stopwatch.StartNew();
        var run = await Benchmark.LoadAsync(silo.MqttPort, stations, Offered, Window, name + "-", ct);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await SiloMetrics.ReadAsync(http, silo.ApiUrl)).Accepted - before.Accepted < run.Published && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }

        var rate = run.Published / clock.Elapsed.TotalSeconds;
        var cpuPerMessage = (silo.Sample().CpuSeconds - cpu.CpuSeconds) / run.Published * 1e6;

        // Stations that stop reporting hand their remaining dockings over at their maintenance ticks (one a minute).
        var batteries = stations * BatteriesPerStation;
        var dockDeadline = DateTime.UtcNow.AddMinutes(options.Quick ? 3 : 6);
        while (Calls(await SiloMetrics.ReadAsync(http, silo.ApiUrl)) - Calls(before) < batteries && DateTime.UtcNow < dockDeadline)
        {
            await Task.Delay(500, ct);
        }

        var dockedAfter = Calls(await SiloMetrics.ReadAsync(http, silo.ApiUrl)) - Calls(before) >= batteries ? clock.Elapsed.TotalSeconds : double.NaN;
        await silo.StopAsync(TimeSpan.FromSeconds(60));
        return (rate, cpuPerMessage, dockedAfter);
    }

    private static double Calls(SiloMetrics metrics) => metrics["evswap_battery_calls"];
}
