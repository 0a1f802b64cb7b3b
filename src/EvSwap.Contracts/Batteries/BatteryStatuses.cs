namespace EvSwap.Contracts;

public static class BatteryStatuses
{
    public const string InStation = "in-station";
    public const string WithRider = "with-rider";
    public const string Removed = "removed";
    public const string Unknown = "unknown";

    public static readonly IReadOnlyList<string> All = [InStation, WithRider, Removed, Unknown];
}
