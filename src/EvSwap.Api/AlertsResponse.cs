namespace EvSwap.Api;

/// <param name="Count">Alerts on this page.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last.</param>
public sealed record AlertsResponse(int Count, IReadOnlyList<AlertItem> Items, string? NextCursor);
