namespace EvSwap.Api;

/// <summary>Body of <c>POST /alarms/{id}/ack</c>; the body and its comment are optional.</summary>
public sealed record AcknowledgeRequest(string? Comment);
