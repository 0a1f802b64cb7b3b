namespace EvSwap.IngestLog;

/// <summary>What a segment file held: its valid records, and how many bytes after them could not be read.</summary>
public sealed record LogSegmentContents(string Path, IReadOnlyList<LogRecord> Records, long UnreadableBytes);

public static class LogSegmentReader
{
    /// <summary>
    /// Every record up to the first that is cut short or fails its checksum. A process killed mid-write leaves such a
    /// tail; the valid prefix is still everything that was acknowledged, because a message is acknowledged only after
    /// its record was written whole.
    /// </summary>
    public static async Task<LogSegmentContents> ReadAsync(string path, CancellationToken cancellationToken)
    {
        // The segment being written may be read too (its own silo replays it when a peer died): share with the writer.
        byte[] bytes;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true))
        {
            bytes = new byte[file.Length];
            await file.ReadExactlyAsync(bytes, cancellationToken);
        }
        return Decode(path, bytes);
    }

    /// <summary>The valid records of a segment's bytes, up to the first that is cut short or fails its checksum.</summary>
    public static LogSegmentContents Decode(string path, byte[] bytes)
    {
        var records = new List<LogRecord>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            var used = LogRecordCodec.TryDecode(bytes.AsSpan(offset), out var record);
            if (used <= 0)
            {
                break;
            }

            records.Add(record!);
            offset += used;
        }

        return new LogSegmentContents(path, records, bytes.Length - offset);
    }
}
