namespace EvSwap.Contracts;

public static class AlertKinds
{
    public const string OverTemperature = "over-temperature";
    public const string SlotFault = "slot-fault";
    public const string Offline = "offline";
}
