namespace EvSwap.Simulator;

public sealed class Battery(string id, double sohPct, int cycles, BatteryDefect defect = BatteryDefect.None)
{
    public string Id { get; } = id;
    public double SohPct { get; set; } = sohPct;
    public int Cycles { get; set; } = cycles;

    /// <summary>A bad battery: it loses state of health many times faster per cycle, or charges hot.</summary>
    public BatteryDefect Defect { get; } = defect;

    /// <summary>With a rider: back in circulation from this time, at <see cref="SocOnReturn"/>.</summary>
    public DateTimeOffset BackAt { get; set; }

    public double SocOnReturn { get; set; } = 20;

    /// <summary>State of health lost per charge cycle: 0.01 points for a good battery, 0.4 for a fast-fading one.</summary>
    public double SohLossPerCycle => Defect == BatteryDefect.FastFade ? 0.4 : 0.01;

    /// <summary>Extra temperature while charging: a hot battery crosses 60 °C, the platform's over-temperature threshold.</summary>
    public double ExtraChargeTempC => Defect == BatteryDefect.RunsHot ? 32 : 0;
}
