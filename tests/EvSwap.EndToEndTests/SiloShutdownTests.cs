using System.Diagnostics;
using System.Text.Json;
using EvSwap.Archive.S3;
using EvSwap.Contracts;
using EvSwap.Orleans.DynamoDB;
using EvSwap.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace EvSwap.EndToEndTests;

/// <summary>The silo as ECS runs it: its own process, stopped with SIGTERM.</summary>
public class SiloShutdownTests(ITestOutputHelper testOutput)
{
    [Fact]
    public async Task On_sigterm_the_silo_drains_flushes_every_message_leaves_the_cluster_and_exits_cleanly_within_the_stop_timeout()
    {
        await using var dynalite = await StandIns.StartDynaliteAsync();
        var archive = Path.Combine(Path.GetTempPath(), "evswap-sigterm-" + Guid.NewGuid().ToString("N"));
        var cluster = "sigterm-" + Guid.NewGuid().ToString("N")[..8];
        var (apiPort, mqttPort, siloPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var dynamo = $"http://127.0.0.1:{dynalite.Port}";
        var (process, output) = StartSilo(
            $"--urls=http://127.0.0.1:{apiPort}", $"--Mqtt:Port={mqttPort}",
            $"--Orleans:SiloPort={siloPort}", $"--Orleans:GatewayPort={FreePort.Next()}", $"--Orleans:ClusterId={cluster}",
            $"--Archive:Path={archive}", $"--IngestLog:Path={archive}-log", "--Clustering:Provider=DynamoDB", "--GrainStorage:Provider=DynamoDB",
            $"--DynamoDB:ServiceUrl={dynamo}", "--DynamoDB:Region=us-east-1", "--DynamoDB:CreateIfNotExists=true");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
            var ready = await Eventually.GetAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, ok => ok, TimeSpan.FromSeconds(60));
            Assert.True(ready, "silo never became ready:\n" + output);

            // Default batch thresholds: nothing reaches the archive before the shutdown flush.
            var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mqttPort).WithClientId("sigterm-publisher").Build());
            var ids = Enumerable.Range(0, 40).Select(i => $"term-{i:D2}").ToList();
            for (var seq = 1; seq <= 25; seq++)
            {
                foreach (var id in ids)
                {
                    await TestSilo.PublishAsync(client, TelemetryTopic.For(id), Snapshot(id, seq));
                }
            }

            await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions());
            foreach (var id in ids)
            {
                await Eventually.GetAsync(async () => (await http.GetAsync($"/stations/{id}")).IsSuccessStatusCode ? await http.GetStringAsync($"/stations/{id}") : "", s => s.Contains("\"seq\":25"));
            }

            Assert.Empty(Directory.Exists(archive) ? Directory.GetFiles(archive, "*.ndjson.gz", SearchOption.AllDirectories) : []);

            var stopwatch = Stopwatch.StartNew();
            Assert.True(Signals.Terminate(process.Id));
            var exited = await Task.Run(() => process.WaitForExit(TimeSpan.FromSeconds(110)));

            // ECS waits at most 120 s (Fargate's maximum stop timeout) before SIGKILL.
            Assert.True(exited, "the silo did not exit within the stop timeout:\n" + output);
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{output}");
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(110));

            // WaitForExit with a timeout returns before the redirected output is fully read; this one waits for it.
            process.WaitForExit();
            var log = output.ToString();
            Assert.True(log.IndexOf("MQTT bridge draining", StringComparison.Ordinal) < log.IndexOf("MQTT bridge stopped", StringComparison.Ordinal), log);

            // An orderly stop logs no errors: an operator reading the task's last lines should see nothing to chase.
            Assert.DoesNotContain("fail:", log);

            // Every accepted message was flushed to the archive on the way down...
            var archived = (await ArchiveContents.TelemetryAsync(archive)).Select(m => (m.Station, m.Seq)).ToList();

            Assert.Equal(ids.SelectMany(id => Enumerable.Range(1, 25).Select(seq => (id, (long)seq))).ToHashSet(), archived.ToHashSet());
            Assert.Equal(archived.Count, archived.Distinct().Count());

            // ...and the silo left the cluster: its membership row says so, no survivor has to suspect it.
            using var table = new DynamoDBMembershipTable(
                Options.Create(new DynamoDBClusteringOptions { ServiceUrl = dynamo, Region = "us-east-1" }),
                Options.Create(new ClusterOptions { ClusterId = cluster, ServiceId = "evswap" }),
                NullLogger<DynamoDBMembershipTable>.Instance);
            var row = Assert.Single((await table.ReadAll()).Members).Item1;
            Assert.Equal(siloPort, row.SiloAddress.Endpoint.Port);
            Assert.Equal(global::Orleans.Runtime.SiloStatus.Dead, row.Status);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            if (Directory.Exists(archive))
            {
                Directory.Delete(archive, recursive: true);
            }
        }
    }

    [Fact]
    public async Task On_sigterm_many_active_stations_flush_to_a_slow_store_within_the_configured_stop_timeout_and_every_message_is_archived_once()
    {
        const string bucket = "evswap-sigterm-slow";
        var s3Directory = Path.Combine(Path.GetTempPath(), "evswap-sigterm-s3-" + Guid.NewGuid().ToString("N"));
        await using var s3rver = await StandIns.StartS3rverAsync(s3Directory);
        await using var slowStore = new TcpProxy(s3rver.Port);
        var stopTimeout = TimeSpan.FromSeconds(40);
        var (apiPort, mqttPort) = (FreePort.Next(), FreePort.Next());
        var (process, output) = StartSilo(
            $"--urls=http://127.0.0.1:{apiPort}", $"--Mqtt:Port={mqttPort}",
            $"--Orleans:SiloPort={FreePort.Next()}", $"--Orleans:GatewayPort={FreePort.Next()}",
            "--Archive:Provider=S3", $"--S3:ServiceUrl=http://127.0.0.1:{slowStore.Port}", $"--S3:Bucket={bucket}",
            "--S3:CreateBucketIfNotExists=true", $"--Silo:ShutdownTimeout={stopTimeout:c}");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
            var ready = await Eventually.GetAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, ok => ok, TimeSpan.FromSeconds(60));
            Assert.True(ready, "silo never became ready:\n" + output);

            // Default batch thresholds: every station's messages wait in its buffer until the shutdown flush.
            var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mqttPort).WithClientId("slow-store-publisher").Build());
            var ids = Enumerable.Range(0, 500).Select(i => $"slow-{i:D3}").ToList();
            for (var seq = 1; seq <= 2; seq++)
            {
                foreach (var id in ids)
                {
                    await TestSilo.PublishAsync(client, TelemetryTopic.For(id), Snapshot(id, seq));
                }
            }

            await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions());
            var accepted = await Eventually.GetAsync(() => AcceptedAsync(http), n => n == 2 * ids.Count, TimeSpan.FromSeconds(60));
            Assert.Equal(2 * ids.Count, accepted);

            // From now on every answer of the store comes half a second late (each PUT waits twice, for "100 Continue"
            // and for its answer), while 500 stations each have an object to write, all at once.
            slowStore.Latency = TimeSpan.FromMilliseconds(500);
            var stopping = Stopwatch.StartNew();
            Assert.True(Signals.Terminate(process.Id));
            var exited = await Task.Run(() => process.WaitForExit(stopTimeout));
            testOutput.WriteLine($"stopped in {stopping.Elapsed.TotalSeconds:F1} s of {stopTimeout.TotalSeconds:F0} s");

            // ECS sends SIGKILL once the stop timeout is over; the silo must be gone by then, cleanly.
            Assert.True(exited, $"the silo did not exit within its {stopTimeout} stop timeout:\n{output}");
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{output}");
            var log = output.ToString();
            Assert.Contains("Shutdown: 40 s: bridge drain 10 s", log, StringComparison.Ordinal);
            Assert.False(log.Contains("fail:", StringComparison.Ordinal), log);

            using var store = new S3ArchiveStore(Options.Create(new S3Options { ServiceUrl = $"http://127.0.0.1:{s3rver.Port}", Bucket = bucket, Region = "us-east-1" }));
            var expected = ids.SelectMany(id => new[] { (id, 1L), (id, 2L) }).ToHashSet();
            var archived = await Eventually.GetAsync(() => ArchiveContents.TelemetryAsync(store), a => a.Count >= expected.Count, TimeSpan.FromSeconds(15));
            Assert.Equal(expected, archived.Select(m => (m.Station, m.Seq)).ToHashSet());
            Assert.Equal(archived.Count, archived.Distinct().Count());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            TempDirectory.TryDelete(s3Directory);
        }
    }

    /// <summary>The silo's <c>evswap.bridge.accepted</c>, read from /metrics as a scraper would.</summary>
    private static async Task<long> AcceptedAsync(HttpClient http)
    {
        var metrics = await http.GetStringAsync("/metrics");
        var line = System.Text.RegularExpressions.Regex.Match(metrics, @"^evswap_bridge_accepted_total(\{[^}]*\})? (\d+)", System.Text.RegularExpressions.RegexOptions.Multiline);
        return line.Success ? long.Parse(line.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Each station docks its own battery, as a real fleet does: one battery reported by hundreds of stations at once is an anomaly, not the load under test.</summary>
    private static byte[] Snapshot(string stationId, long seq) =>
        TelemetryBuilder.For(stationId).Seq(seq).Ambient(null, null).Charging(1, stationId + "-b", socPct: 50, tempC: 30, sohPct: null, cycles: null).Json();

    /// <summary>The Release silo as its own process, as ECS runs it; its output collected for the assertions.</summary>
    private static (Process Process, System.Text.StringBuilder Output) StartSilo(params string[] args)
    {
        var silo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        silo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EvSwap.Silo.dll"));
        foreach (var arg in args)
        {
            silo.ArgumentList.Add(arg);
        }

        var process = Process.Start(silo)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }
}
