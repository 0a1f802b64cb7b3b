using System.Text.Json;

namespace EvSwap.Api;

public sealed record TelemetryItem(long Boot, long Seq, DateTimeOffset Ts, DateTimeOffset ReceivedAt, JsonElement Payload);
