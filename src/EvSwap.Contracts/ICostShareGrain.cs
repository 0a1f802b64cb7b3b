using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>
/// Where the silos meet to add up what they cost: each reports the request counters it has kept since it started, so
/// the console's cost page can show the whole deployment's bill from any silo. Held in memory: after a move each silo
/// reports again within one interval.
/// </summary>
public interface ICostShareGrain : IGrainWithIntegerKey
{
    /// <summary>Records <paramref name="share"/> as its silo's latest; returns every silo's latest that is still fresh.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<CostShare>> Report(CostShare share);

    /// <summary>Every silo's latest share that is still fresh.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<CostShare>> Shares();
}
