namespace EvSwap.Api;

/// <summary>Body of <c>POST /alarms/{id}/comments</c>.</summary>
public sealed record CommentRequest(string? Text);
