namespace EvSwap.Grains;

/// <summary>
/// How long a charging battery takes to reach a level, on a CC-CV curve: constant current (the measured rate) up to
/// <see cref="KneePct"/>, then constant voltage, where the rate falls in proportion to the charge still missing.
/// A linear extrapolation of the rate promised batteries in the constant-voltage phase far too early.
/// </summary>
public static class ChargeCurve
{
    /// <summary>Where lithium-ion chargers typically switch from constant current to constant voltage (the simulator's knee too).</summary>
    public const double KneePct = 80;

    /// <summary>Minutes from <paramref name="soc"/> to <paramref name="target"/> at the measured <paramref name="pctPerMinute"/>; null without a rising rate.</summary>
    public static double? MinutesTo(double soc, double pctPerMinute, double target)
    {
        if (soc >= target)
        {
            return 0;
        }

        if (pctPerMinute <= 0 || target >= 100)
        {
            return null;
        }

        if (soc < KneePct)
        {
            // The rate measured in the constant-current phase holds to the knee and starts the taper there.
            return target <= KneePct
                ? (target - soc) / pctPerMinute
                : (KneePct - soc) / pctPerMinute + Taper(KneePct, target, pctPerMinute);
        }

        // In the taper the measured rate belongs to this level: r(s) = k (100 - s), so k = rate / (100 - soc).
        return Taper(soc, target, pctPerMinute);
    }

    /// <summary>Minutes from a to b when the rate at a is <paramref name="rateAtA"/> and falls in proportion to 100 - s.</summary>
    private static double Taper(double a, double b, double rateAtA) => (100 - a) / rateAtA * Math.Log((100 - a) / (100 - b));
}
