using System.Text.Json;
using EvSwap.Archive;

namespace EvSwap.Testing;

/// <summary>What an archive holds, read back through the same store and codec the silo wrote it with.</summary>
public static class ArchiveContents
{
    /// <summary>Every archived telemetry message as (station, boot, seq), taken from the payloads themselves.</summary>
    public static async Task<List<(string Station, long Boot, long Seq)>> TelemetryAsync(IArchiveStore store)
    {
        var result = new List<(string, long, long)>();
        await foreach (var key in store.ListAsync(ArchiveKeys.TelemetryRoot, default))
        {
            if (!ArchiveKeys.TryParseBatch(key, out _))
            {
                throw new InvalidDataException($"unexpected key {key} under {ArchiveKeys.TelemetryRoot}");
            }

            foreach (var m in ArchiveCodec.DecodeBatch((await store.GetAsync(key, default))!))
            {
                using var doc = JsonDocument.Parse(m.Payload);
                result.Add((doc.RootElement.GetProperty("stationId").GetString()!, doc.RootElement.GetProperty("boot").GetInt64(), doc.RootElement.GetProperty("seq").GetInt64()));
            }
        }

        return result;
    }

    /// <summary>Every dead letter as (topic, reasons).</summary>
    public static async Task<List<(string Topic, string[] Reasons)>> RejectedAsync(IArchiveStore store)
    {
        var result = new List<(string, string[])>();
        await foreach (var key in store.ListAsync(ArchiveKeys.RejectedRoot, default))
        {
            foreach (var line in ArchiveCodec.DecodeRejected((await store.GetAsync(key, default))!))
            {
                using (line)
                {
                    result.Add((line.RootElement.GetProperty("topic").GetString()!, [.. line.RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!)]));
                }
            }
        }

        return result;
    }

    public static Task<List<(string Station, long Boot, long Seq)>> TelemetryAsync(string directory) => TelemetryAsync(new FileSystemArchiveStore(directory));

    public static Task<List<(string Topic, string[] Reasons)>> RejectedAsync(string directory) => RejectedAsync(new FileSystemArchiveStore(directory));
}
