using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>
/// Consecutive accepted messages of one station, one boot and one UTC date, encoded and ready to be exactly one
/// archive object. Only the encoded content is kept, not the messages: a batch waits in memory until it is written.
/// </summary>
/// <param name="Content">gzip NDJSON, exactly the bytes of the archive object.</param>
/// <param name="RawBytes">The payloads' size as received, which the batching thresholds and the backlog bound count.</param>
public sealed record TelemetryBatch(string StationId, long Boot, DateOnly Date, long FirstSeq, long LastSeq, int Count, long RawBytes, byte[] Content)
{
    public string Key => ArchiveKeys.Batch(StationId, Date, Boot, FirstSeq, LastSeq);

    public static TelemetryBatch FromMessages(string stationId, long boot, DateOnly date, IReadOnlyList<BufferedMessage> messages) =>
        new(stationId, boot, date, messages[0].Seq, messages[^1].Seq, messages.Count, messages.Sum(m => (long)m.Payload.Length), ArchiveCodec.EncodeBatch(messages));
}

/// <summary>An accepted message held in memory until its batch is written; the payload stays as received.</summary>
public sealed record BufferedMessage(long Boot, long Seq, DateTimeOffset Ts, DateTimeOffset ReceivedAt, byte[] Payload);

/// <summary>A rejected message with every reason it was rejected, for the dead-letter archive.</summary>
public sealed record RejectedMessage(DateTimeOffset ReceivedAt, string Topic, IReadOnlyList<string> Reasons, byte[] Payload);

/// <summary>What an archive key says about the batch inside, so reads can pick objects without opening them.</summary>
public sealed record BatchRef(string Key, string StationId, DateOnly Date, long Boot, long FirstSeq, long LastSeq);

/// <summary>A message read back from the archive.</summary>
public sealed record StoredMessage(DateTimeOffset ReceivedAt, byte[] Payload);
