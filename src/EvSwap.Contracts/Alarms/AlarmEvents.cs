namespace EvSwap.Contracts;

/// <summary>What happened to an alarm, as webhooks name it.</summary>
public static class AlarmEvents
{
    public const string Raised = "raised";
    public const string Acknowledged = "acknowledged";
    public const string Cleared = "cleared";

    /// <summary>Still active and unacknowledged <c>Alarms:EscalateAfter</c> after it was raised: told once more, to whoever the escalation reaches.</summary>
    public const string Escalated = "escalated";

    public static readonly IReadOnlyList<string> All = [Raised, Acknowledged, Cleared, Escalated];
}
