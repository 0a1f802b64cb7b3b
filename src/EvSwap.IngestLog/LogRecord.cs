namespace EvSwap.IngestLog;

/// <summary>One received MQTT message as the log keeps it: enough to hand it to the ingest path again.</summary>
public sealed record LogRecord(DateTimeOffset ReceivedAt, string Topic, byte[] Payload);
