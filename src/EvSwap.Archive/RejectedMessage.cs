namespace EvSwap.Archive;

/// <summary>A rejected message with every reason it was rejected, for the dead-letter archive.</summary>
public sealed record RejectedMessage(DateTimeOffset ReceivedAt, string Topic, IReadOnlyList<string> Reasons, byte[] Payload);
