namespace EvSwap.Archive;

/// <summary>A message read back from the archive.</summary>
public sealed record StoredMessage(DateTimeOffset ReceivedAt, byte[] Payload);
