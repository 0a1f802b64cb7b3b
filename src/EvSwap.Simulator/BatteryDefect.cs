namespace EvSwap.Simulator;

public enum BatteryDefect
{
    None,
    FastFade,
    RunsHot,
}
