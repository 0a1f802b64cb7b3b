namespace EvSwap.Contracts;

/// <summary>
/// The fleet's state-of-health distribution per cycles bucket, as bounded histograms: each battery counts once, in the
/// bucket and bin it last reported, so the median needs no list of batteries however large the fleet.
/// </summary>
public interface IBatteryFleetStatsGrain : IGrainWithIntegerKey
{
    /// <summary>Moves one battery's count from where it was (null the first time) to where it is; returns the median
    /// state of health of its new bucket, or null while the bucket holds fewer batteries than a comparison needs.</summary>
    Task<double?> Move(SohBin? from, SohBin to);
}
