using System.Diagnostics;
using MQTTnet;

namespace EvSwap.Benchmarks;

/// <summary>
/// Scenario <c>log</c>: what the ingest log costs and how fast a crash is recovered. Throughput and acknowledgement
/// latency with the log off and on in one run, then a silo holding 10,000 stations' unarchived messages killed with
/// SIGKILL and restarted: the time until its replay has handed every record back to the stations.
/// </summary>
public sealed class IngestLogBenchmark(BenchOptions options, Report report)
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task RunAsync(CancellationToken ct)
    {
        var rates = new Dictionary<string, double>();
        foreach (var (id, provider) in new[] { ("7a", "None"), ("7b", "FileSystem") })
        {
            await using var silo = await SiloProcess.StartAsync("log-" + provider.ToLowerInvariant(), options.WorkDir, [$"IngestLog:Provider={provider}"]);
            await Benchmark.LoadAsync(silo.MqttPort, 100, 1_000, TimeSpan.FromSeconds(3), "warm-", ct);
            var m1 = await SiloMetrics.ReadAsync(_http, silo.ApiUrl);
            await using var sampler = new CountSampler(async () => (await SiloMetrics.ReadAsync(_http, silo.ApiUrl)).Accepted - m1.Accepted, TimeSpan.FromMilliseconds(250));
            var run = await Benchmark.LoadAsync(silo.MqttPort, options.Stations, options.SaturatingRate, options.SaturatingDuration, "st-", ct);
            await sampler.WaitForAsync(run.Published, TimeSpan.FromSeconds(120));
            var rate = sampler.MiddleRate(run.Published);
            rates[provider] = rate;

            // Acknowledgement latency under 5,000 msg/s of background load: one more client publishing at QoS 1, one
            // message at a time, timing each PUBACK.
            var load = Benchmark.LoadAsync(silo.MqttPort, options.Stations, 5_000, options.StepDuration + TimeSpan.FromSeconds(2), "bg-", ct);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var (p50, p99) = await AckLatencyAsync(silo.MqttPort, options.StepDuration, ct);
            await load;
            report.Detail("log-" + provider, new { rate, run.Published, ackP50Ms = p50, ackP99Ms = p99 });
            report.Add(new Row(id, $"Ingest log {provider}: saturating throughput, ack p50 / p99 at 5,000 msg/s", rate, "msg/s",
                $"ack p50 {p50:N2} ms, p99 {p99:N2} ms" + (provider == "None" ? "" : $"; {rate / rates["None"]:P0} of the log off")));
            await silo.StopAsync(TimeSpan.FromSeconds(90));
        }

        await ReplayAsync(ct);
    }

    private async Task ReplayAsync(CancellationToken ct)
    {
        const int stations = 10_000;
        const string name = "log-replay";
        long published;
        await using (var victim = await SiloProcess.StartAsync(name, options.WorkDir, []))
        {
            // Three messages per station, far below the batch thresholds: all of it unarchived, in memory and in the log.
            var run = await Benchmark.LoadAsync(victim.MqttPort, stations, 5_000, TimeSpan.FromSeconds(stations * 3 / 5_000.0), "rp-", ct);
            published = run.Acknowledged;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await SiloMetrics.ReadAsync(_http, victim.ApiUrl)).Accepted < published && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, ct);
            }

            EvSwap.Testing.Signals.KillHard(victim.ProcessId);
        }

        var clock = Stopwatch.StartNew();
        await using var survivor = await SiloProcess.StartAsync(name, options.WorkDir, []);
        var started = clock.Elapsed;
        SiloMetrics m;
        var until = DateTime.UtcNow.AddMinutes(5);
        do
        {
            await Task.Delay(100, ct);
            m = await SiloMetrics.ReadAsync(_http, survivor.ApiUrl);
        }
        while ((m["evswap_log_replay_pending"] > 0 || m["evswap_log_replayed"] < published) && DateTime.UtcNow < until);

        var replayed = (long)m["evswap_log_replayed"];
        report.Detail("replay", new { stations, published, replayed, startSeconds = started.TotalSeconds, totalSeconds = clock.Elapsed.TotalSeconds });
        report.Add(new Row("7c", $"Replay after SIGKILL: {stations:N0} stations, {published:N0} acknowledged messages, restart to replayed", clock.Elapsed.TotalSeconds, "s",
            $"process start to ready {started.TotalSeconds:N1} s; {replayed:N0} records replayed, {replayed / Math.Max(0.001, (clock.Elapsed - started).TotalSeconds):N0} records/s", replayed >= published));
        await survivor.StopAsync(TimeSpan.FromSeconds(120));
    }

    private static async Task<(double P50, double P99)> AckLatencyAsync(int port, TimeSpan duration, CancellationToken ct)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("ack-probe").Build(), ct);
        var samples = new List<double>();
        var end = DateTime.UtcNow + duration;
        for (var seq = 1; DateTime.UtcNow < end; seq++)
        {
            var payload = System.Text.Encoding.UTF8.GetBytes(
                $$"""{"schema":"evswap.telemetry.v1","stationId":"ack-probe","boot":1,"seq":{{seq}},"ts":"{{DateTimeOffset.UtcNow:O}}","slots":[{"slot":1,"state":"empty"}]}""");
            var message = new MqttApplicationMessageBuilder().WithTopic("evswap/v1/stations/ack-probe/telemetry").WithPayload(payload)
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build();
            var clock = Stopwatch.StartNew();
            await client.PublishAsync(message, ct);
            samples.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(10, ct);
        }

        samples.Sort();
        return samples.Count == 0 ? (double.NaN, double.NaN) : (samples[samples.Count / 2], samples[Math.Min(samples.Count - 1, (int)(samples.Count * 0.99))]);
    }
}
