namespace EvSwap.Contracts;

public enum StationStatus
{
    Online,
    Offline,
    Alerting,
}
