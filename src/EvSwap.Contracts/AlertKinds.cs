namespace EvSwap.Contracts;

public static class AlertKinds
{
    public const string OverTemperature = "over-temperature";
    public const string SlotFault = "slot-fault";
    public const string Offline = "offline";
    public const string RapidTemperatureRise = "rapid-temperature-rise";
    public const string LowAvailability = "low-availability";

    public static readonly IReadOnlyList<string> All = [OverTemperature, RapidTemperatureRise, SlotFault, Offline, LowAvailability];
}
