using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>
/// Accepted messages of one station, one boot and one UTC date, encoded and ready to be exactly one archive object.
/// Only the encoded content is kept, not the messages: a batch waits in memory until it is written. Late messages
/// make a batch's numbers non-contiguous, so it carries them as ranges (usually one).
/// </summary>
/// <param name="Seqs">The batch's sequence numbers, sorted and merged.</param>
/// <param name="Content">gzip NDJSON, exactly the bytes of the archive object.</param>
/// <param name="RawBytes">The payloads' size as received, which the batching thresholds and the backlog bound count.</param>
public sealed record TelemetryBatch(string StationId, long Boot, DateOnly Date, IReadOnlyList<SeqRange> Seqs, int Count, long RawBytes, byte[] Content)
{
    public long FirstSeq => Seqs[0].From;

    public long LastSeq => Seqs[^1].To;

    public string Key => ArchiveKeys.Batch(StationId, Date, Boot, Seqs, Times);

    /// <summary>Station times of the earliest and latest message; in the key when known.</summary>
    public StationTimeSpan? Times { get; init; }

    /// <summary>The earliest receive time of a message in the batch.</summary>
    public DateTimeOffset OldestReceivedAt { get; init; }

    public static TelemetryBatch FromMessages(string stationId, long boot, DateOnly date, IReadOnlyList<BufferedMessage> messages)
    {
        var seqs = new SeqSet();
        foreach (var m in messages)
        {
            seqs.Add(m.Seq);
        }

        return new(stationId, boot, date, seqs.Ranges, messages.Count, messages.Sum(m => (long)m.Payload.Length), ArchiveCodec.EncodeBatch(messages))
        {
            Times = StationTimeSpan.Of(messages.Min(m => m.Ts), messages.Max(m => m.Ts)),
        };
    }
}
