using EvSwap.Contracts;

namespace EvSwap.Api;

public sealed record StationListResponse(IReadOnlyList<StationListItem> Items, string? NextCursor);
