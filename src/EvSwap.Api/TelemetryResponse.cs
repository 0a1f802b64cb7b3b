namespace EvSwap.Api;

public sealed record TelemetryResponse(string StationId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<TelemetryItem> Items, string? NextCursor);
