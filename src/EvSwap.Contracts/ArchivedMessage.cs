namespace EvSwap.Contracts;

/// <summary>A raw message as kept in the archive: the payload as received plus when the server received it.</summary>
[GenerateSerializer, Immutable]
public sealed record ArchivedMessage(
    [property: Id(0)] long Boot,
    [property: Id(1)] long Seq,
    [property: Id(2)] DateTimeOffset Ts,
    [property: Id(3)] DateTimeOffset ReceivedAt,
    [property: Id(4)] string Payload);
