namespace EvSwap.Contracts;

public static class AlertKinds
{
    public const string OverTemperature = "over-temperature";
    public const string SlotFault = "slot-fault";
    public const string Offline = "offline";
    public const string RapidTemperatureRise = "rapid-temperature-rise";
    public const string LowAvailability = "low-availability";

    /// <summary>A battery's state of health below the threshold at which it should leave service (an alarm only, never a station alert).</summary>
    public const string BatterySohLow = "battery-soh-low";

    /// <summary>A battery losing state of health faster than the configured points per 30 days (an alarm only, never a station alert).</summary>
    public const string BatterySohFalling = "battery-soh-falling";

    public static readonly IReadOnlyList<string> All = [OverTemperature, RapidTemperatureRise, SlotFault, Offline, LowAvailability, BatterySohLow, BatterySohFalling];
}
