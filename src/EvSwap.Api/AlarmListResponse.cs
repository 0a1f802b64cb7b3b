using EvSwap.Contracts;

namespace EvSwap.Api;

public sealed record AlarmListResponse(IReadOnlyList<Alarm> Items, string? NextCursor);
