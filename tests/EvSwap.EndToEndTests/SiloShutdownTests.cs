using System.Diagnostics;
using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Orleans.DynamoDB;
using EvSwap.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace EvSwap.EndToEndTests;

/// <summary>The silo as ECS runs it: its own process, stopped with SIGTERM.</summary>
public class SiloShutdownTests
{
    [Fact]
    public async Task On_sigterm_the_silo_drains_flushes_every_message_leaves_the_cluster_and_exits_cleanly_within_the_stop_timeout()
    {
        await using var dynalite = await StandIns.StartDynaliteAsync();
        var archive = Path.Combine(Path.GetTempPath(), "evswap-sigterm-" + Guid.NewGuid().ToString("N"));
        var cluster = "sigterm-" + Guid.NewGuid().ToString("N")[..8];
        var (apiPort, mqttPort, siloPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var dynamo = $"http://127.0.0.1:{dynalite.Port}";
        var silo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "EvSwap.Silo.dll"),
            $"--urls=http://127.0.0.1:{apiPort}", $"--Mqtt:Port={mqttPort}",
            $"--Orleans:SiloPort={siloPort}", $"--Orleans:GatewayPort={FreePort.Next()}", $"--Orleans:ClusterId={cluster}",
            $"--Archive:Path={archive}", "--Clustering:Provider=DynamoDB", "--GrainStorage:Provider=DynamoDB",
            $"--DynamoDB:ServiceUrl={dynamo}", "--DynamoDB:Region=us-east-1", "--DynamoDB:CreateIfNotExists=true",
        })
        {
            silo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(silo)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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
                    var message = new TelemetryMessage
                    {
                        Schema = TelemetryMessage.SchemaV1, StationId = id, Boot = 1, Seq = seq, Ts = DateTimeOffset.UtcNow,
                        Slots = [new SlotReading { Slot = 1, State = SlotStates.Charging, BatteryId = "b", SocPct = 50, TempC = 30 }],
                    };
                    await LocalSilo.PublishAsync(client, TelemetryTopic.For(id), JsonSerializer.SerializeToUtf8Bytes(message, TelemetryJsonContext.Default.TelemetryMessage));
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

            if (Directory.Exists(archive))
            {
                Directory.Delete(archive, recursive: true);
            }
        }
    }
}
