using System.Diagnostics;
using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Simulator;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EvSwap.Benchmarks;

/// <summary>
/// Publish-to-visible latency: one extra station, on its own MQTT connection, publishes a full 16-slot snapshot and
/// then polls GET /stations/{id} back to back until the API shows that (boot, seq). The clock starts just before
/// PUBLISH and stops when the response carrying the new seq arrives, so the figure covers broker, bridge, grain and
/// API; the poll adds up to one GET round trip, which is measured on its own and reported next to it.
/// </summary>
public static class LatencyProbe
{
    public sealed record Result(int Samples, int TimedOut, double P50Ms, double P99Ms, double MaxMs, double GetP50Ms);

    public static async Task<Result> RunAsync(int mqttPort, string apiUrl, TimeSpan duration, double probesPerSecond, CancellationToken cancellationToken)
    {
        var id = "probe-" + Environment.ProcessId;
        var profile = new StationProfile { DropoutsPerDay = 0, RebootsPerDay = 0 };
        var station = new SimulatedStation(id, 0, profile, new BatteryPool(), 7, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromSeconds(10) };
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", mqttPort)
            .WithClientId(id)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .Build(), cancellationToken);

        var latencies = new List<double>();
        var gets = new List<double>();
        var timedOut = 0;
        var period = TimeSpan.FromSeconds(1 / probesPerSecond);
        var clock = Stopwatch.StartNew();
        var warmUp = 5;
        for (var n = 0; clock.Elapsed < duration && n < 100_000 && !cancellationToken.IsCancellationRequested; n++)
        {
            var next = clock.Elapsed + period;
            var message = station.Step(DateTimeOffset.UtcNow, period)!;
            var payload = JsonSerializer.SerializeToUtf8Bytes(message, TelemetryJsonContext.Default.TelemetryMessage);
            var started = Stopwatch.GetTimestamp();
            var publish = client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(TelemetryTopic.For(id))
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), cancellationToken);

            var visible = false;
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 2;
            while (!visible && Stopwatch.GetTimestamp() < deadline)
            {
                var getStarted = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync($"/stations/{id}", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    using var view = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
                    visible = view.RootElement.GetProperty("boot").GetInt64() == message.Boot && view.RootElement.GetProperty("seq").GetInt64() >= message.Seq;
                }

                gets.Add(Stopwatch.GetElapsedTime(getStarted).TotalMilliseconds);
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await publish;

            // The first probes activate the grain and warm the HTTP connection: not part of the steady state.
            if (n >= warmUp)
            {
                if (visible)
                {
                    latencies.Add(elapsed);
                }
                else
                {
                    timedOut++;
                }
            }

            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }
        }

        await client.DisconnectAsync(cancellationToken: CancellationToken.None);
        latencies.Sort();
        gets.Sort();
        return new Result(latencies.Count, timedOut, Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Count == 0 ? 0 : latencies[^1], Percentile(gets, 0.50));
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
