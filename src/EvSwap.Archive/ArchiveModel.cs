using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>Consecutive accepted messages of one station, one boot and one UTC date: exactly one archive object.</summary>
public sealed record TelemetryBatch(string StationId, long Boot, DateOnly Date, IReadOnlyList<BufferedMessage> Messages)
{
    public long FirstSeq => Messages[0].Seq;
    public long LastSeq => Messages[^1].Seq;
    public string Key => ArchiveKeys.Batch(StationId, Date, Boot, FirstSeq, LastSeq);
}

/// <summary>An accepted message held in memory until its batch is written; the payload stays as received.</summary>
public sealed record BufferedMessage(long Boot, long Seq, DateTimeOffset Ts, DateTimeOffset ReceivedAt, byte[] Payload);

/// <summary>A rejected message with every reason it was rejected, for the dead-letter archive.</summary>
public sealed record RejectedMessage(DateTimeOffset ReceivedAt, string Topic, IReadOnlyList<string> Reasons, byte[] Payload);

/// <summary>What an archive key says about the batch inside, so reads can pick objects without opening them.</summary>
public sealed record BatchRef(string Key, string StationId, DateOnly Date, long Boot, long FirstSeq, long LastSeq);

/// <summary>A message read back from the archive.</summary>
public sealed record StoredMessage(DateTimeOffset ReceivedAt, byte[] Payload);
