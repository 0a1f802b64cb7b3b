namespace EvSwap.Api;

public sealed record AlertItem(string StationId, string Kind, int? Slot, string? Code, DateTimeOffset Since, string Message);
