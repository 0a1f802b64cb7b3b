using EvSwap.Archive;
using EvSwap.IngestLog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EvSwap.Bridge;

/// <summary>
/// Runs the ingest log through the silo's life: opens it before anything is received, replays what an earlier run left
/// (a crash) once the grains are up, removes segments the archive has caught up with, and on a clean stop - after the
/// grains flushed - removes the whole log when every accepted message was archived. Registered before Orleans, so it
/// starts first and stops last.
/// </summary>
public sealed class IngestLogService(
    IIngestLog log,
    IngestLogReplay replay,
    ClusterArchiveHorizon horizon,
    ArchiveProgress progress,
    InFlightReceipts inFlight,
    IngestLogMetrics metrics,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<IngestLogService> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _background = Task.CompletedTask;
    private volatile bool _replayed;
    private DateTimeOffset _clusterHorizon = DateTimeOffset.MinValue;

    /// <summary>True once what an earlier run left has been handed to the stations.</summary>
    public bool Replayed => _replayed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var left = await log.OpenAsync(cancellationToken);
        _replayed = left.Count == 0;
        metrics.ReplayStarted(left.Count);

        // Grains answer only once the silo is up, which is after this service started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());

        // Replay and retention call grains, which stop before this service does.
        lifetime.ApplicationStopping.Register(() => _stopping.Cancel());
        _background = Task.Run(async () =>
        {
            await started.Task.WaitAsync(_stopping.Token);
            await ReplayAsync(left, _stopping.Token);
            await RetainAsync(_stopping.Token);
        }, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _background;
        }
        catch (OperationCanceledException)
        {
        }

        // By now the bridge drained and every grain deactivated: a station that could not archive still reports its
        // oldest message, and then the log stays for the next start or a survivor to replay. When this silo's own
        // stations archived everything, the log goes: what it handed to stations on other silos is in their memory
        // until they archive it (see docs/limitations.md), and keeping it would make a survivor re-offer all of it
        // after every rolling deployment.
        var ownArchived = _replayed && progress.OldestUnarchived() is null && inFlight.IsIdle;
        var removeBefore = ownArchived ? DateTimeOffset.MaxValue : _clusterHorizon;
        await log.CloseAsync(removeBefore, stoppedCleanly: ownArchived);
        if (log.RetainedBytes == 0)
        {
            logger.LogInformation("Ingest log: every accepted message is archived; no log is left behind.");
        }
        else
        {
            logger.LogWarning("Ingest log: kept ({Bytes} bytes) because {Stations} stations hold unarchived messages; they are replayed by the next start or a survivor.",
                log.RetainedBytes, progress.StationsWithUnarchived);
        }
    }

    private async Task ReplayAsync(IReadOnlyList<string> segments, CancellationToken cancellationToken)
    {
        foreach (var path in segments)
        {
            var contents = await LogSegmentReader.ReadAsync(path, cancellationToken);
            if (contents.UnreadableBytes > 0)
            {
                logger.LogWarning("Ingest log: {Path} ends in {Bytes} bytes that were cut short or fail their checksum (a crash mid-write); the {Count} records before them are replayed.",
                    path, contents.UnreadableBytes, contents.Records.Count);
            }

            await replay.ReplayAsync(contents.Records, adopt: false, cancellationToken);

            var newest = contents.Records.Count == 0 ? DateTimeOffset.MinValue : contents.Records.Max(r => r.ReceivedAt);
            log.MarkReplayed(path, newest);
            metrics.SegmentReplayed(contents.Records.Count, contents.UnreadableBytes);
            logger.LogInformation("Ingest log: replayed {Count} records of {Path} left by an earlier run.", contents.Records.Count, path);
        }

        _replayed = true;
    }

    private async Task RetainAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ClusterArchiveHorizon.ReportInterval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            DateTimeOffset? cluster;
            try
            {
                cluster = await horizon.ReportAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug(ex, "Ingest log: the archive horizon could not be reported; segments are kept until the next report.");
                continue;
            }

            if (cluster is not { } at)
            {
                continue;
            }

            _clusterHorizon = at;
            var removed = log.RemoveSegmentsBefore(at);
            if (removed > 0)
            {
                logger.LogDebug("Ingest log: removed {Count} segments archived before {Horizon:O}.", removed, at);
            }
        }
    }
}
