namespace EvSwap.Contracts;

/// <summary>
/// The four states an alarm goes through: raised by a rule (active) and cleared by it, acknowledged by a person at any
/// time. An alarm is finished once it is cleared and acknowledged.
/// </summary>
public static class AlarmStates
{
    public const string ActiveUnacknowledged = "active-unacknowledged";
    public const string ActiveAcknowledged = "active-acknowledged";
    public const string ClearedUnacknowledged = "cleared-unacknowledged";
    public const string ClearedAcknowledged = "cleared-acknowledged";

    public static readonly IReadOnlyList<string> All = [ActiveUnacknowledged, ActiveAcknowledged, ClearedUnacknowledged, ClearedAcknowledged];

    public static string Of(bool cleared, bool acknowledged) => (cleared, acknowledged) switch
    {
        (false, false) => ActiveUnacknowledged,
        (false, true) => ActiveAcknowledged,
        (true, false) => ClearedUnacknowledged,
        (true, true) => ClearedAcknowledged,
    };
}
