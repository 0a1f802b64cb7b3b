using EvSwap.Archive;
using EvSwap.Contracts;
using Orleans.Runtime;

namespace EvSwap.Bridge;

/// <summary>
/// The receive time before which every silo has archived what it accepted. This silo's log holds messages whose
/// stations may live on any silo, so it may forget only what the whole cluster archived.
/// </summary>
public sealed class ClusterArchiveHorizon(
    IGrainFactory grains,
    IClusterMembershipService membership,
    IngestLogIdentity identity,
    ArchiveProgress progress,
    InFlightReceipts inFlight,
    TimeProvider time)
{
    /// <summary>How often each silo reports; a report older than half the in-flight grace is not trusted.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(10);

    /// <summary>What this silo holds: nothing unarchived and nothing in flight from before the returned time.</summary>
    public DateTimeOffset Local()
    {
        var now = time.GetUtcNow();
        return new[] { now, progress.OldestUnarchived() ?? now, inFlight.Oldest() ?? now }.Min();
    }

    /// <summary>Reports this silo's horizon and returns the cluster's, or null while some live silo has not reported lately.</summary>
    public async Task<DateTimeOffset?> ReportAsync()
    {
        var local = Local();
        var reports = await grains.GetGrain<IArchiveHorizonGrain>(0).Report(identity.Own, local);
        var now = time.GetUtcNow();
        var fresh = reports.Where(r => now - r.ReportedAt < InFlightReceipts.Grace / 2).ToDictionary(r => r.Silo, r => r.Horizon, StringComparer.Ordinal);
        DateTimeOffset horizon = local;
        foreach (var silo in LiveLogs())
        {
            if (!fresh.TryGetValue(silo, out var theirs))
            {
                return null;
            }

            horizon = theirs < horizon ? theirs : horizon;
        }

        return horizon;
    }

    /// <summary>The log names of every silo not known dead.</summary>
    public IReadOnlyList<string> LiveLogs() =>
        [.. membership.CurrentSnapshot.Members.Values.Where(m => m.Status != SiloStatus.Dead).Select(m => identity.LogOf(m.SiloAddress)).Distinct()];
}
