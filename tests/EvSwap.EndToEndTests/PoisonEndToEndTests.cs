using System.Text;
using System.Text.Json;
using EvSwap.Bridge;
using EvSwap.Contracts;
using EvSwap.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EvSwap.EndToEndTests;

/// <summary>Hostile payloads over MQTT into a real silo, and everything the archive holds afterwards read strictly.</summary>
public class PoisonEndToEndTests
{
    private const string Station = "poison-01";

    // Text that is valid but easy to get wrong: non-ASCII UTF-8, escaped pairs and NUL, a backslash before "u", a
    // long integer and a double that overflows. It rides along in every valid message, so it reaches the archive.
    private static readonly byte[] TrickyButValid = Encoding.UTF8.GetBytes(
        "{\"place\":\"Zürich ✓ 😀\",\"escaped\":\"\\ud83d\\ude00 \\u0000 \\\\ud800\",\"big\":123456789012345678901234567890,\"inf\":1e400}");

    private static byte[] Valid(long seq) => Snapshots.WithNote(Snapshots.Json(Station, seq), TrickyButValid);

    private static (string Name, byte[] Payload, RejectReason Reason)[] Hostile()
    {
        var json = Snapshots.Json(Station, 1000);
        return
        [
            ("invalid UTF-8 in a known string", Snapshots.Replace(json, "bat-1", [(byte)'b', 0xc3, 0x28]), RejectReason.InvalidUtf8),
            ("invalid UTF-8 in an unknown property", Snapshots.WithNote(json, [(byte)'"', 0xff, 0xfe, (byte)'"']), RejectReason.InvalidUtf8),
            ("a UTF-8 encoded surrogate", Snapshots.WithNote(json, [(byte)'"', 0xed, 0xa0, 0x80, (byte)'"']), RejectReason.InvalidUtf8),
            ("a lone surrogate escape in an unknown property", Snapshots.WithNote(json, "\"\\ud800\""u8), RejectReason.LoneSurrogate),
            ("a lone surrogate escape in a known string", Snapshots.Replace(json, "bat-1", "bat-\\udc00"u8), RejectReason.LoneSurrogate),
            ("a lone surrogate escape in a property name", Snapshots.Replace(json, "\"ambientC\"", "\"\\ud83d\""u8), RejectReason.LoneSurrogate),
            ("NUL bytes after the JSON", [.. json, 0, 0], RejectReason.BadJson),
            ("a NUL byte in a string", Snapshots.Replace(json, "bat-1", "bat-\0"u8), RejectReason.BadJson),
            ("deep nesting", Snapshots.WithNote(json, Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000))), RejectReason.BadJson),
            ("a huge number in a field", Snapshots.Replace(json, "\"seq\":1000", "\"seq\":1e400"u8), RejectReason.BadJson),
            ("an integer Python cannot read", Snapshots.WithNote(json, Encoding.ASCII.GetBytes(new string('7', 5000))), RejectReason.OutOfRange),
            ("neither JSON nor UTF-8", [0xff, 0xfe, 0x00, 0x80, 0x0a], RejectReason.InvalidUtf8),
        ];
    }

    [Fact]
    public async Task Hostile_payloads_are_dead_lettered_as_received_every_archived_line_reads_strictly_and_the_station_carries_on()
    {
        // Small batches, so history reads archived objects as well as the buffer while the silo runs.
        await using var silo = await TestSilo.StartAsync("--Archive:MaxBatchMessages=4");
        using var client = await silo.ConnectPublisherAsync("poison-publisher");
        var hostile = Hostile();

        // Each hostile message is followed by a valid one from the same station.
        for (var i = 0; i < hostile.Length; i++)
        {
            await TestSilo.PublishAsync(client, TelemetryTopic.For(Station), hostile[i].Payload);
            await TestSilo.PublishAsync(client, TelemetryTopic.For(Station), Valid(i + 1));
        }

        var last = hostile.Length;
        var view = await Eventually.GetAsync(() => silo.GetJsonAsync($"/stations/{Station}"), v => v.GetProperty("seq").GetInt64() == last);
        Assert.Equal(last, view.GetProperty("counters").GetProperty("messages").GetInt64());

        var history = await silo.GetJsonAsync($"/stations/{Station}/telemetry?limit=100");
        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, last).Select(i => (long)i), items.Select(i => i.GetProperty("seq").GetInt64()));
        Assert.All(items, i => Assert.Equal("Zürich ✓ 😀", i.GetProperty("payload").GetProperty("note").GetProperty("place").GetString()));

        var metrics = silo.Metrics;
        foreach (var group in hostile.GroupBy(h => h.Reason))
        {
            Assert.Equal(group.Count(), metrics.RejectedByReason.GetValueOrDefault(group.Key.ToString()));
        }

        await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions());
        await silo.StopAsync();

        // Every line of every object, telemetry and dead letters alike, read as the strictest readers do.
        var telemetryLines = ArchiveLines.ReadAll(Path.Combine(silo.ArchivePath, "telemetry"));
        var rejectedLines = ArchiveLines.ReadAll(Path.Combine(silo.ArchivePath, "rejected"));
        Assert.Equal(last, telemetryLines.Count);
        Assert.Equal(hostile.Length, rejectedLines.Count);
        Assert.Null(await ArchiveLines.CheckWithPythonAndJqAsync(silo.ArchivePath));

        // The station's later messages were all archived, once each.
        var archived = await silo.ReadArchivedTelemetryAsync();
        Assert.Equal(Enumerable.Range(1, last).Select(i => (Station, 1L, (long)i)), archived.Order());

        // Each dead letter has its own reason and the payload exactly as received: base64 when it was not text.
        foreach (var line in rejectedLines)
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var payload = root.TryGetProperty("payloadBase64", out var base64) ? base64.GetBytesFromBase64() : Encoding.UTF8.GetBytes(root.GetProperty("payload").GetString()!);
            var (name, _, reason) = Assert.Single(hostile, h => h.Payload.AsSpan().SequenceEqual(payload));
            Assert.True(root.GetProperty("reasons")[0].GetString()!.StartsWith(reason + ":", StringComparison.Ordinal), $"{name}: {root.GetProperty("reasons")}");
        }
    }
}
