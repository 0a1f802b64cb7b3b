namespace EvSwap.Archive;

/// <summary>An accepted message held in memory until its batch is written; the payload stays as received.</summary>
public sealed record BufferedMessage(long Boot, long Seq, DateTimeOffset Ts, DateTimeOffset ReceivedAt, byte[] Payload);
