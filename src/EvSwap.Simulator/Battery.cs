namespace EvSwap.Simulator;

public sealed class Battery(string id, double sohPct, int cycles)
{
    public string Id { get; } = id;
    public double SohPct { get; set; } = sohPct;
    public int Cycles { get; set; } = cycles;
}
