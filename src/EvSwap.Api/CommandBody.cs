namespace EvSwap.Api;

/// <summary>The body of <c>POST /stations/{id}/commands</c>.</summary>
/// <param name="Type">slot-maintenance, slot-in-service, release-slot or restart-cabinet.</param>
/// <param name="Slot">The slot, for every type but restart-cabinet.</param>
public sealed record CommandBody(string? Type, int? Slot);
