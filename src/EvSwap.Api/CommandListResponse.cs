using EvSwap.Contracts;

namespace EvSwap.Api;

/// <summary>A station's commands, newest first.</summary>
public sealed record CommandListResponse(string StationId, IReadOnlyList<CommandView> Items);
