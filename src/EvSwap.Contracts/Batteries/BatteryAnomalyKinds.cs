namespace EvSwap.Contracts;

public static class BatteryAnomalyKinds
{
    /// <summary>State of health below the fleet median of its cycles bucket by more than the configured margin.</summary>
    public const string SohFastFade = "soh-fast-fade";

    /// <summary>Over-temperature readings repeated within the configured window.</summary>
    public const string OverTemperature = "over-temperature";

    /// <summary>Reported in a slot while its custody chain has it in another one.</summary>
    public const string TwoPlaces = "two-places";

    /// <summary>With a rider longer than <c>Ledger:Batteries:LostAfter</c>; derived from the clock when read.</summary>
    public const string PossiblyLost = "possibly-lost";

    /// <summary>The cycle count went down: the BMS was replaced or tampered with.</summary>
    public const string CyclesBackwards = "cycles-backwards";

    public static readonly IReadOnlyList<string> All = [SohFastFade, OverTemperature, TwoPlaces, PossiblyLost, CyclesBackwards];
}
