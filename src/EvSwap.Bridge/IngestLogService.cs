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
    TelemetryIngestor ingestor,
    ArchiveProgress progress,
    InFlightReceipts inFlight,
    IngestLogMetrics metrics,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<IngestLogService> logger) : IHostedService
{
    private static readonly TimeSpan RetentionInterval = TimeSpan.FromSeconds(30);
    private const int ReplayParallelism = 64;

    private readonly CancellationTokenSource _stopping = new();
    private Task _background = Task.CompletedTask;
    private volatile bool _replayed;

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
        // oldest message, and then the log stays for the next start to replay.
        var clean = _replayed && progress.OldestUnarchived() is null && inFlight.Oldest() is null;
        await log.CloseAsync(removeAll: clean);
        if (clean)
        {
            logger.LogInformation("Ingest log: every accepted message is archived; no log is left behind.");
        }
        else
        {
            logger.LogWarning("Ingest log: kept ({Bytes} bytes) because {Stations} stations hold unarchived messages; the next start replays it.",
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

            // A station's records in their order, stations in parallel: what the lanes do for live traffic.
            var byStation = contents.Records.GroupBy(r => r.Topic, StringComparer.Ordinal);
            await Parallel.ForEachAsync(byStation, new ParallelOptions { MaxDegreeOfParallelism = ReplayParallelism, CancellationToken = cancellationToken },
                async (station, ct) =>
                {
                    foreach (var record in station)
                    {
                        await ingestor.RetryAsync(record.Topic, record.Payload, record.ReceivedAt, ct);
                    }
                });

            var newest = contents.Records.Count == 0 ? DateTimeOffset.MinValue : contents.Records.Max(r => r.ReceivedAt);
            log.MarkReplayed(path, newest);
            metrics.SegmentReplayed(contents.Records.Count, contents.UnreadableBytes);
            logger.LogInformation("Ingest log: replayed {Count} records of {Path} left by an earlier run.", contents.Records.Count, path);
        }

        _replayed = true;
    }

    private async Task RetainAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RetentionInterval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var horizon = Earliest(time.GetUtcNow(), progress.OldestUnarchived(), inFlight.Oldest());
            var removed = log.RemoveSegmentsBefore(horizon);
            if (removed > 0)
            {
                logger.LogDebug("Ingest log: removed {Count} segments archived before {Horizon:O}.", removed, horizon);
            }
        }
    }

    private static DateTimeOffset Earliest(DateTimeOffset now, DateTimeOffset? a, DateTimeOffset? b) =>
        new[] { now, a ?? now, b ?? now }.Min();
}
