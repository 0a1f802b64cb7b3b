namespace EvSwap.Simulator;

/// <summary>Rates of the random processes, per station. Defaults give a busy urban station.</summary>
public sealed record StationProfile
{
    public int Slots { get; init; } = 16;

    /// <summary>Mean swaps per hour at the daily average; the daily profile scales it (peaks 08:00 and 18:00).</summary>
    public double SwapsPerHour { get; init; } = 6;

    public double FaultsPerSlotPerDay { get; init; } = 0.05;
    public double RebootsPerDay { get; init; } = 0.2;
    public double DropoutsPerDay { get; init; } = 0.5;
    public double ChargerKw { get; init; } = 7;
}
