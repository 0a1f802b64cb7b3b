using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.EndToEndTests;

/// <summary>The local profile killed with SIGKILL: what the embedded broker acknowledged comes back from the ingest log.</summary>
public class HardCrashEndToEndTests
{
    private const int Stations = 30;
    internal const int Messages = 20;

    [Fact]
    public async Task Every_acknowledged_message_survives_sigkill_and_is_archived_once_with_its_swap_counted_once_after_restart()
    {
        var root = Path.Combine(Path.GetTempPath(), "evswap-crash-" + Guid.NewGuid().ToString("N"));
        var (archive, log) = (Path.Combine(root, "archive"), Path.Combine(root, "log"));
        var ids = Enumerable.Range(0, Stations).Select(i => $"crash-{i:D2}").ToList();
        try
        {
            await using (var first = await SiloProcess.StartAsync(archive, log))
            {
                await PublishAllAsync(first.MqttPort, ids);
                foreach (var id in ids)
                {
                    await first.WaitForSeqAsync(id, Messages);
                }

                Assert.True(Signals.KillHard(first.Process.Id));
                first.Process.WaitForExit();
            }

            // Default batch thresholds: the archive had none of it; the log is the only copy.
            Assert.Empty(await ArchiveContents.TelemetryAsync(archive));
            Assert.NotEmpty(Directory.GetFiles(log, "*.seg", SearchOption.AllDirectories));

            await using (var second = await SiloProcess.StartAsync(archive, log))
            {
                foreach (var id in ids)
                {
                    var view = await second.WaitForSeqAsync(id, Messages);
                    var counters = view.GetProperty("counters");
                    Assert.Equal((long)Messages, counters.GetProperty("messages").GetInt64());
                    Assert.Equal((long)Messages / 5, counters.GetProperty("swapsTotal").GetInt64());
                }

                // Every station's batteries where it reported them last: the one docked by the index, and the last one
                // brought by a swap.
                var expected = ids.SelectMany(id => new[] { ($"{id}-kept", id, 2), ($"{id}-b{Messages}", id, 1) }).ToList();
                var misplaced = await Eventually.GetAsync(() => MisplacedAsync(second.Http, expected), m => m.Count == 0);
                Assert.Empty(misplaced);

                Assert.True(await second.StopAsync(), second.Output);
                Assert.DoesNotContain("fail:", second.Output);
            }

            var archived = (await ArchiveContents.TelemetryAsync(archive)).Select(m => (m.Station, m.Seq)).ToList();
            Assert.Equal(ids.SelectMany(id => Enumerable.Range(1, Messages).Select(seq => (id, (long)seq))).ToHashSet(), archived.ToHashSet());
            Assert.Equal(archived.Count, archived.Distinct().Count());

            // A clean stop after everything was archived leaves no log to replay.
            Assert.Empty(Directory.GetFiles(log, "*.seg", SearchOption.AllDirectories));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>The batteries the API does not show in the station and slot given, with what it says instead.</summary>
    private static async Task<List<string>> MisplacedAsync(HttpClient http, IEnumerable<(string Battery, string Station, int Slot)> expected)
    {
        var misplaced = new List<string>();
        foreach (var (battery, station, slot) in expected)
        {
            using var response = await http.GetAsync($"/batteries/{battery}");
            if (!response.IsSuccessStatusCode)
            {
                misplaced.Add($"{battery}: {(int)response.StatusCode}");
                continue;
            }

            var custody = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("custody");
            var seen = (custody.GetProperty("status").GetString(), custody.GetProperty("stationId").GetString(), custody.GetProperty("slot").GetInt32());
            if (seen != (BatteryStatuses.InStation, station, slot))
            {
                misplaced.Add($"{battery}: {seen}");
            }
        }

        return misplaced;
    }

    /// <summary>Every message published at QoS 1 and acknowledged by the broker; every fifth carries a swap.</summary>
    internal static async Task PublishAllAsync(int mqttPort, IReadOnlyList<string> ids)
    {
        using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mqttPort).WithClientId("crash-publisher").Build());
        for (var seq = 1; seq <= Messages; seq++)
        {
            foreach (var id in ids)
            {
                // Each station its own batteries, as in a fleet: one battery in thirty stations at once is an anomaly
                // whose grain every station would queue on.
                // Slot 2 holds one battery throughout: docked by its index shard, never by a grain of its own.
                var message = TelemetryBuilder.For(id).Seq(seq).Ambient(null, null).Ready(1, $"{id}-b{seq}", socPct: 99, tempC: 30, sohPct: null, cycles: null)
                    .Ready(2, $"{id}-kept", socPct: 98, tempC: 29, sohPct: 97, cycles: 300);
                if (seq % 5 == 0)
                {
                    message.Swap(1, $"{id}-b{seq - 1}", 1, $"{id}-b{seq}");
                }

                await TestSilo.PublishAsync(client, TelemetryTopic.For(id), message.Json());
            }
        }

        await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions());
    }
}
