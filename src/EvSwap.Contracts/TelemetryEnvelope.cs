using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>A validated message on its way from the bridge to its station grain.</summary>
/// <param name="Payload">The payload exactly as received; the archive stores these bytes, not a re-serialisation.</param>
[GenerateSerializer, Immutable]
public sealed record TelemetryEnvelope(
    [property: Id(0)] TelemetryMessage Message,
    [property: Id(1)] byte[] Payload,
    [property: Id(2)] DateTimeOffset ReceivedAt);
