namespace EvSwap.EndToEndTests;

/// <summary>One telemetry line of an archived object, with the key of the object that holds it.</summary>
internal sealed record ArchivedLine(string Key, string Station, long Boot, long Seq, DateTimeOffset Ts, byte[] Payload);
