namespace EvSwap.Contracts;

/// <summary>The statuses a station reports in <c>evswap.command-result.v1</c>.</summary>
public static class CommandResultStatuses
{
    public const string Acknowledged = "acknowledged";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public static bool IsKnown(string? status) => status is Acknowledged or Succeeded or Failed;
}
