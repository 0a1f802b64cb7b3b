using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>
/// Where the silos meet to agree how far the archive has caught up. A silo's ingest log holds messages whose stations
/// may live on any silo, so it may forget a message only once every silo says it holds nothing unarchived from before
/// then. Held in memory: after a move each silo reports again within one interval.
/// </summary>
public interface IArchiveHorizonGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Records that <paramref name="silo"/> holds nothing unarchived (and nothing in flight) received before
    /// <paramref name="horizon"/>; returns every silo's latest report.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<SiloHorizon>> Report(string silo, DateTimeOffset horizon);
}

/// <summary>One silo's latest report: its horizon, and when the report was made.</summary>
[GenerateSerializer, Immutable]
public sealed record SiloHorizon([property: Id(0)] string Silo, [property: Id(1)] DateTimeOffset Horizon, [property: Id(2)] DateTimeOffset ReportedAt);
