namespace EvSwap.Contracts;

/// <summary>Alarm severities, most urgent first; webhooks filter on a minimum.</summary>
public static class AlarmSeverities
{
    public const string Critical = "critical";
    public const string Major = "major";
    public const string Minor = "minor";
    public const string Warning = "warning";

    public static readonly IReadOnlyList<string> All = [Critical, Major, Minor, Warning];

    public static bool IsValid(string? severity) => severity is not null && All.Contains(severity);

    /// <summary>Higher is more urgent (critical 3 ... warning 0); -1 for an unknown severity.</summary>
    public static int Rank(string severity) => severity switch
    {
        Critical => 3,
        Major => 2,
        Minor => 1,
        Warning => 0,
        _ => -1,
    };
}
