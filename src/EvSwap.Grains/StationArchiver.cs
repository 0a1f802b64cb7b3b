using EvSwap.Archive;
using EvSwap.Contracts;
using Microsoft.Extensions.Logging;

namespace EvSwap.Grains;

/// <summary>
/// A station's way to the archive: its buffer of raw messages, the writes of sealed batches oldest first, and the
/// backoff after a failed write. A failed batch stays buffered, never dropped; what the archive confirmed is reported
/// back so the station can mark it archived.
/// </summary>
public sealed class StationArchiver(string stationId, TelemetryArchive archive, ArchiveProgress progress, ArchiveOptions options, StationMetrics metrics, ILogger logger)
{
    private readonly TelemetryBuffer _buffer = new(options);
    private int _failures;
    private DateTimeOffset _retryAt;
    private long _reportedBacklog;
    private DateTimeOffset? _reportedOldest;

    public long PendingBytes => _buffer.PendingBytes;

    public bool HasSealed => _buffer.HasSealed;

    public int SealedCount => _buffer.SealedCount;

    public bool Contains(long boot, long seq) => _buffer.Contains(boot, seq);

    public IReadOnlyList<ArchivedMessage> Snapshot() => _buffer.Snapshot();

    public void Add(TelemetryEnvelope envelope, DateTimeOffset now)
    {
        var m = envelope.Message;
        _buffer.SealIfOlderThanMaxAge(now);
        _buffer.Add(stationId, new BufferedMessage(m.Boot, m.Seq, m.Ts, envelope.ReceivedAt, envelope.Payload), now);
        ReportBacklog();
    }

    public void SealIfOlderThanMaxAge(DateTimeOffset now) => _buffer.SealIfOlderThanMaxAge(now);

    public void Seal() => _buffer.Seal();

    /// <summary>Writes sealed batches oldest first; on failure keeps them and backs off (exponential, with jitter).</summary>
    /// <param name="force">Write even while backing off (a flush, a refusal at the backlog bound, deactivation).</param>
    /// <param name="archived">Told of each batch the archive confirmed.</param>
    public async Task WriteSealedAsync(DateTimeOffset now, bool force, Action<TelemetryBatch> archived)
    {
        if (!force && now < _retryAt)
        {
            return;
        }

        while (_buffer.HasSealed)
        {
            var batch = _buffer.PeekSealed();
            try
            {
                await archive.WriteBatchAsync(batch);
                metrics.ArchiveWritten();
                archived(_buffer.CompleteSealed());
                ReportBacklog();
                _failures = 0;
                _retryAt = DateTimeOffset.MinValue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _failures++;
                metrics.ArchiveWriteFailed();
                var backoff = TimeSpan.FromMilliseconds(Math.Min(60_000, 250 * Math.Pow(2, Math.Min(_failures, 10))) * (0.5 + Random.Shared.NextDouble() / 2));
                _retryAt = now + backoff;
                var level = _buffer.PendingBytes >= options.MaxPendingBytes * 3 / 4 ? LogLevel.Error : LogLevel.Warning;
                logger.Log(level, ex, "Station {StationId}: archive write of {Key} failed (attempt {Attempt}); {Bytes} bytes kept in memory (limit {Limit}), retry in {Backoff}.",
                    stationId, batch.Key, _failures, _buffer.PendingBytes, options.MaxPendingBytes, backoff);
                return;
            }
        }
    }

    /// <summary>
    /// The activation ends: whatever is still unarchived leaves memory with it, so the silo's backlog stops counting it.
    /// Its oldest receive time stays reported, so the ingest log keeps those messages for a replay to archive.
    /// </summary>
    public void Release()
    {
        metrics.ArchiveBacklogChanged(-_reportedBacklog);
        _reportedBacklog = 0;
    }

    /// <summary>Moves the silo-wide backlog measure by this station's change since its last report.</summary>
    private void ReportBacklog()
    {
        metrics.ArchiveBacklogChanged(_buffer.PendingBytes - _reportedBacklog);
        _reportedBacklog = _buffer.PendingBytes;
        var oldest = _buffer.OldestReceivedAt;
        if (oldest != _reportedOldest)
        {
            progress.Report(stationId, oldest);
            _reportedOldest = oldest;
        }
    }
}
