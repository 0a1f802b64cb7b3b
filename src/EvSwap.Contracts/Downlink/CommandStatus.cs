namespace EvSwap.Contracts;

/// <summary>A command's lifecycle: Pending until the broker took it, then Sent, Acknowledged, and one final state.</summary>
public enum CommandStatus
{
    Pending,
    Sent,
    Acknowledged,
    Succeeded,
    Failed,
    TimedOut,
}
