using System.Diagnostics;

namespace EvSwap.Benchmarks;

/// <summary>
/// Scenario <c>cold</c>: what a freshly started silo takes in its first seconds, under the JIT settings it ships with
/// and the runtime's defaults. A cold silo is the normal case after a deployment or a crash, exactly when a fleet
/// reconnects, so this is measured apart from the warm figures of <c>e2e</c>.
/// </summary>
/// <remarks>
/// Each variant gets fresh silos: one for a cold fleet (10,000 stations, each first message activating its grain) and
/// one for an early window (2,000 stations for 8 s from start, so the ingest code runs while it is still being
/// compiled). The rate is messages published divided by the time until the silo had accepted all of them.
/// </remarks>
public sealed class ColdSiloScenario(BenchOptions options, Report report, HttpClient http)
{
    private static readonly (string Id, string Name, Dictionary<string, string> Environment)[] Variants =
    [
        ("8a", "as shipped (QuickJit off)", []),
        ("8b", "runtime default (QuickJit on)", new() { ["DOTNET_TC_QuickJit"] = "1" }),
        ("8c", "runtime default without dynamic PGO", new() { ["DOTNET_TC_QuickJit"] = "1", ["DOTNET_TieredPGO"] = "0" }),
    ];

    public async Task RunAsync(CancellationToken ct)
    {
        var rounds = options.Quick ? 1 : 2;
        foreach (var (id, name, environment) in Variants)
        {
            var cold = new List<double>();
            var early = new List<double>();
            var ready = new List<double>();
            var startCpu = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                var (rate, readySeconds, cpuAtReady) = await MeasureAsync($"cold-{id}-{round}", environment, 10_000, 10_000, TimeSpan.FromSeconds(5), ct);
                cold.Add(rate);
                ready.Add(readySeconds);
                startCpu.Add(cpuAtReady);
                early.Add((await MeasureAsync($"early-{id}-{round}", environment, 2_000, 8_000, TimeSpan.FromSeconds(8), ct)).Rate);
            }

            report.Detail("cold-" + id, new { name, cold, early, ready, startCpu });
            report.Add(new Row(id, $"Cold silo, {name}: 10,000 new stations offered 10,000 msg/s for 5 s", cold.Average(), "msg/s",
                $"first 8 s with 2,000 stations {early.Average():N0} msg/s; ready {ready.Average():N1} s after start ({startCpu.Average():N1} s CPU); {rounds} round(s), each on fresh silos"));
        }
    }

    private async Task<(double Rate, double ReadySeconds, double CpuAtReady)> MeasureAsync(
        string name, IReadOnlyDictionary<string, string> environment, int stations, double offered, TimeSpan duration, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        await using var silo = await SiloProcess.StartAsync(name, options.WorkDir, [], environment: environment);
        var readySeconds = started.Elapsed.TotalSeconds;
        var cpuAtReady = silo.Sample().CpuSeconds;
        var before = (await SiloMetrics.ReadAsync(http, silo.ApiUrl)).Accepted;

        var clock = Stopwatch.StartNew();
        var run = await Benchmark.LoadAsync(silo.MqttPort, stations, offered, duration, name + "-", ct);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await SiloMetrics.ReadAsync(http, silo.ApiUrl)).Accepted - before < run.Published && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }

        var rate = run.Published / clock.Elapsed.TotalSeconds;
        await silo.StopAsync(TimeSpan.FromSeconds(60));
        return (rate, readySeconds, cpuAtReady);
    }
}
