namespace EvSwap.Contracts;

/// <summary>Where one battery counts in the fleet statistics: its cycles bucket and its state of health in half-percent bins.</summary>
[GenerateSerializer, Immutable]
public readonly record struct SohBin([property: Id(0)] int CyclesBucket, [property: Id(1)] int Bin)
{
    public const double BinWidthPct = 0.5;

    public static SohBin Of(int cycles, double sohPct, int bucketSize) =>
        new(Math.Max(0, cycles) / bucketSize, (int)Math.Clamp(Math.Floor(sohPct / BinWidthPct), 0, 100 / BinWidthPct));

    /// <summary>The middle of the bin, in percent.</summary>
    public static double Center(int bin) => (bin + 0.5) * BinWidthPct;
}
