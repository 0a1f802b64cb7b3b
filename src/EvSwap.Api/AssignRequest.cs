namespace EvSwap.Api;

/// <summary>Body of <c>POST /alarms/{id}/assign</c>; a null assignee unassigns.</summary>
public sealed record AssignRequest(string? Assignee);
