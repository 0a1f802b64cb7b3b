using EvSwap.Ledger;

namespace EvSwap.Api;

public sealed record SwapListResponse(IReadOnlyList<SwapRecord> Items, string? NextCursor);
