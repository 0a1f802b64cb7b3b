using EvSwap.Contracts;
using EvSwap.IngestLog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace EvSwap.Bridge;

/// <summary>
/// Replays the logs of silos that died. When membership declares a silo dead (or a log is found whose silo is not a
/// live member), one survivor claims its log, adopts its records into its own log and hands them to the stations. If
/// the dead silo crashed, its stations lost messages that other silos received and still keep in their logs, so every
/// survivor then also replays what its own log keeps.
/// </summary>
public sealed class PeerLogService(
    IIngestLog log,
    IngestLogReplay replay,
    IGrainFactory grains,
    IClusterMembershipService membership,
    IngestLogIdentity identity,
    ClusterArchiveHorizon horizon,
    IngestLogMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<PeerLogService> logger) : BackgroundService
{
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolved = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken serviceStopping)
    {
        // It calls grains, which stop before this service does.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(serviceStopping, lifetime.ApplicationStopping);
        var stoppingToken = stopping.Token;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        _ = WatchMembershipAsync(stoppingToken);
        using var timer = new PeriodicTimer(ClusterArchiveHorizon.ReportInterval);
        do
        {
            try
            {
                await ResolvePendingAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Ingest log: replaying the logs of dead silos failed this round; trying again in {Interval}.", ClusterArchiveHorizon.ReportInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                lock (_pending)
                {
                    foreach (var dead in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead))
                    {
                        var name = identity.LogOf(dead.SiloAddress);
                        if (name != identity.Own && !_resolved.Contains(name))
                        {
                            _pending.Add(name);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ResolvePendingAsync(CancellationToken cancellationToken)
    {
        var live = horizon.LiveLogs();
        var orphans = (await log.ListPeerLogsAsync(cancellationToken)).Where(n => !live.Contains(n, StringComparer.Ordinal));
        List<string> pending;
        lock (_pending)
        {
            _pending.UnionWith(orphans.Where(n => !_resolved.Contains(n)));
            pending = [.. _pending];
        }

        foreach (var name in pending)
        {
            if (await TryResolveAsync(name, live, cancellationToken))
            {
                lock (_pending)
                {
                    _pending.Remove(name);
                    _resolved.Add(name);
                }
            }
        }
    }

    /// <summary>True once the dead silo's log is dealt with, by this silo or another.</summary>
    private async Task<bool> TryResolveAsync(string name, IReadOnlyList<string> live, CancellationToken cancellationToken)
    {
        var claims = grains.GetGrain<IIngestLogClaimGrain>(name);
        var claim = await claims.Claim(identity.Own, live);
        if (claim.State == LogClaimState.Held)
        {
            return false;
        }

        if (claim.State == LogClaimState.Done)
        {
            if (claim.Crashed)
            {
                await ReplayOwnAsync(name, cancellationToken);
            }

            return true;
        }

        var takeover = await log.TryTakeOverAsync(name, cancellationToken);
        switch (takeover.State)
        {
            case PeerLogState.Held:
                await claims.Release(identity.Own);
                return false;
            case PeerLogState.Gone:
                await claims.Complete(identity.Own, crashed: false);
                return true;
        }

        bool crashed;
        await using (var peer = takeover.Log!)
        {
            crashed = peer.Segments.Count > 0 && !peer.StoppedCleanly;
            metrics.ReplayStarted(peer.Segments.Count);
            var records = 0;
            foreach (var segment in peer.Segments)
            {
                var contents = await peer.ReadAsync(segment, cancellationToken);
                ReportUnreadable(contents);
                await replay.ReplayAsync(contents.Records, adopt: true, cancellationToken);
                await peer.RemoveAsync(segment, cancellationToken);
                metrics.SegmentReplayed(contents.Records.Count, contents.UnreadableBytes);
                records += contents.Records.Count;
            }

            logger.LogWarning("Ingest log: replayed {Count} records from {Segments} segments of {Log}, a silo that {How}.",
                records, peer.Segments.Count, name, crashed ? "died without stopping" : "stopped cleanly");
        }

        await claims.Complete(identity.Own, crashed);
        if (crashed)
        {
            await ReplayOwnAsync(name, cancellationToken);
        }

        return true;
    }

    /// <summary>What this silo's log keeps may have been handed to stations on the dead silo: hand it on again.</summary>
    private async Task ReplayOwnAsync(string dead, CancellationToken cancellationToken)
    {
        var records = 0;
        foreach (var segment in log.RetainedSegments())
        {
            LogSegmentContents contents;
            try
            {
                contents = await log.ReadSegmentAsync(segment, cancellationToken);
            }
            catch (FileNotFoundException)
            {
                // Retention removed it meanwhile: everything in it was archived.
                continue;
            }

            await replay.ReplayAsync(contents.Records, adopt: false, cancellationToken);
            records += contents.Records.Count;
        }

        logger.LogWarning("Ingest log: {Log} crashed; replayed the {Count} records this silo's own log keeps, for the stations it hosted.", dead, records);
    }

    private void ReportUnreadable(LogSegmentContents contents)
    {
        if (contents.UnreadableBytes > 0)
        {
            logger.LogWarning("Ingest log: {Path} ends in {Bytes} bytes that were cut short or fail their checksum (a crash mid-write); the {Count} records before them are replayed.",
                contents.Path, contents.UnreadableBytes, contents.Records.Count);
        }
    }
}
