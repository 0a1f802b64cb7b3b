using System.Diagnostics;

namespace EvSwap.Benchmarks;

/// <summary>
/// Scenario <c>onboarding</c> (issue 14): a fleet of stations the silo has never seen, whose first snapshots dock 16
/// batteries each: every docking through its battery grain (as before the index took them) and as shipped, in one
/// run. Ingest is messages accepted divided by the time until the last was accepted, the load coming from the
/// standalone simulator in its own process; the dockings are counted by battery grain calls and dockings taken by the
/// index until they stop.
/// </summary>
public sealed class OnboardingScenario(BenchOptions options, Report report, HttpClient http)
{
    private const double Offered = 10_000;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private static readonly (string Id, string Name, string[] Settings)[] Variants =
    [
        ("11a", "every docking through its battery grain (Ledger:Batteries:DockInIndex=false)", ["Ledger:Batteries:DockInIndex=false"]),
        ("11b", "as shipped: batteries never seen docked in their index shards", []),
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
            var dockings = new List<long>();
            for (var round = 0; round < rounds; round++)
            {
                var (rate, cpuPerMessage, dockedAfter, dockingCount) = await MeasureAsync($"onboard-{id}-{round}", settings, stations, ct);
                dockings.Add(dockingCount);
                rates.Add(rate);
                cpu.Add(cpuPerMessage);
                docked.Add(dockedAfter);
            }

            report.Detail("onboarding-" + id, new { name, rates, cpu, docked, dockings });
            report.Add(new Row(id, $"Onboarding, {name}: {stations:N0} new stations offered {Offered:N0} msg/s for {Window.TotalSeconds:N0} s", rates.Average(), "msg/s",
                $"{cpu.Average():N0} us silo CPU per message until all were accepted; {dockings.Average():N0} batteries docked, the last {docked.Average():N0} s after the load began; " +
                $"rounds {string.Join(" / ", rates.Select(r => r.ToString("N0")))}, each on a fresh silo"));
        }
    }

    private async Task<(double Rate, double CpuPerMessage, double DockedAfter, long Dockings)> MeasureAsync(string name, string[] settings, int stations, CancellationToken ct)
    {
        await using var silo = await SiloProcess.StartAsync(name, options.WorkDir, settings);
        var before = await SiloMetrics.ReadAsync(http, silo.ApiUrl);
        var cpu = silo.Sample();
        var clock = Stopwatch.StartNew();

        // The standalone simulator in its own process, as a fleet connects: the benchmark's in-process generator builds
        // 10,000 station models inside the window and becomes the limit before the silo does.
        await SimulatorProcess.RunAsync(silo.MqttPort, stations, name + "-", ["--rate", Offered.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duration", $"{Window.TotalSeconds}s"], options.WorkDir, ct);
        var (accepted, acceptedAt) = (before.Accepted, clock.Elapsed);
        while (clock.Elapsed - acceptedAt < TimeSpan.FromSeconds(2) && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(100, ct);
            var now = (await SiloMetrics.ReadAsync(http, silo.ApiUrl)).Accepted;
            if (now > accepted)
            {
                (accepted, acceptedAt) = (now, clock.Elapsed);
            }
        }

        var messages = accepted - before.Accepted;
        var rate = messages / acceptedAt.TotalSeconds;
        var cpuPerMessage = (silo.Sample().CpuSeconds - cpu.CpuSeconds) / Math.Max(1, messages) * 1e6;

        // Every station that reported docks the batteries its slots hold (an empty slot docks none), so the dockings are
        // done when they stop growing; stations that failed a call retry at their next tick, a minute.
        var (docked, dockedAt) = (Calls(before), clock.Elapsed);
        var dockDeadline = clock.Elapsed + TimeSpan.FromMinutes(options.Quick ? 3 : 6);
        while (clock.Elapsed - dockedAt < TimeSpan.FromSeconds(15) && clock.Elapsed < dockDeadline)
        {
            await Task.Delay(500, ct);
            var calls = Calls(await SiloMetrics.ReadAsync(http, silo.ApiUrl));
            if (calls > docked)
            {
                (docked, dockedAt) = (calls, clock.Elapsed);
            }
        }

        var dockedAfter = dockedAt.TotalSeconds;
        var dockings = (long)(docked - Calls(before));
        await silo.StopAsync(TimeSpan.FromSeconds(60));
        return (rate, cpuPerMessage, dockedAfter, dockings);
    }

    /// <summary>Battery grain calls (a docking each while a fleet is onboarded, or a swap's) and dockings the index took without a grain.</summary>
    private static double Calls(SiloMetrics metrics) => metrics["evswap_battery_calls"] + metrics["evswap_battery_index_dockings"];
}
