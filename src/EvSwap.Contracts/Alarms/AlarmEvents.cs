namespace EvSwap.Contracts;

/// <summary>What happened to an alarm, as webhooks name it.</summary>
public static class AlarmEvents
{
    public const string Raised = "raised";
    public const string Acknowledged = "acknowledged";
    public const string Cleared = "cleared";
}
