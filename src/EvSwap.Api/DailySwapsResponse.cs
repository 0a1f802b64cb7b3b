namespace EvSwap.Api;

public sealed record DailySwapsResponse(string StationId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DailySwaps> Days);
