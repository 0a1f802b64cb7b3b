using Orleans.Storage;
using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>Thrown when a station's unarchived backlog is at its bound: the caller must retry later, nothing is dropped.</summary>
[GenerateSerializer]
public sealed class ArchiveBackloggedException(string message) : Exception(message);

/// <summary>
/// One activation per station. Applies snapshots in (boot, seq) order, keeps the raw messages until the archive has
/// them, writes its state behind, and keeps its fleet index entry fresh.
/// </summary>
public sealed class StationGrain : Grain, IStationGrain
{
    public const string StorageName = "evswap";

    private readonly IPersistentState<StationState> _state;
    private readonly TelemetryArchive _archive;
    private readonly StationOptions _options;
    private readonly ArchiveOptions _archiveOptions;
    private readonly FleetOptions _fleetOptions;
    private readonly TimeProvider _time;
    private readonly ILogger<StationGrain> _logger;
    private readonly StationMetrics _metrics;
    private TelemetryBuffer _buffer = null!;

    private bool _stateDirty;
    private DateTimeOffset _lastPersist;
    private bool _indexDirty;
    private DateTimeOffset _lastIndexPush = DateTimeOffset.MinValue;
    private int _archiveFailures;
    private DateTimeOffset _archiveRetryAt;
    private long _reportedBacklog;

    public StationGrain(
        [PersistentState("station", StorageName)] IPersistentState<StationState> state,
        TelemetryArchive archive,
        IOptions<StationOptions> options,
        IOptions<ArchiveOptions> archiveOptions,
        IOptions<FleetOptions> fleetOptions,
        TimeProvider time,
        StationMetrics metrics,
        ILogger<StationGrain> logger)
    {
        _metrics = metrics;
        _state = state;
        _archive = archive;
        _options = options.Value;
        _archiveOptions = archiveOptions.Value;
        _fleetOptions = fleetOptions.Value;
        _time = time;
        _logger = logger;
    }

    private string StationId => this.GetPrimaryKeyString();
    private StationState State => _state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _buffer = new TelemetryBuffer(_archiveOptions);
        _lastPersist = _time.GetUtcNow();
        await RecoverFromArchiveAsync(cancellationToken);
        // A random first tick: stations that activate together (a silo start, a fleet reconnecting) would otherwise
        // run their maintenance in the same instant every interval, a burst that shows as latency spikes.
        var firstTick = _options.MaintenanceInterval * (0.5 + Random.Shared.NextDouble());
        this.RegisterGrainTimer(MaintainAsync, new GrainTimerCreationOptions(firstTick, _options.MaintenanceInterval)
        {
            Interleave = false,
            KeepAlive = false,
        });
    }

    public async Task<IngestOutcome> Ingest(TelemetryEnvelope envelope)
    {
        var now = _time.GetUtcNow();
        if (_buffer.PendingBytes >= _archiveOptions.MaxPendingBytes)
        {
            await WriteSealedAsync(now, force: true);
            if (_buffer.PendingBytes >= _archiveOptions.MaxPendingBytes)
            {
                throw new ArchiveBackloggedException(
                    $"Station {StationId} holds {_buffer.PendingBytes} unarchived bytes (limit Archive:MaxPendingBytes = {_archiveOptions.MaxPendingBytes}); the archive is not accepting writes. Retry later.");
            }
        }

        var first = !State.HasReported;
        var result = StationModel.Apply(State, envelope.Message, envelope.Payload, envelope.ReceivedAt, _options);
        if (!result.Applied)
        {
            _stateDirty = true;
            return IngestOutcome.Duplicate;
        }

        foreach (var alert in result.Raised ?? [])
        {
            _metrics.AlertRaised(alert.Kind);
        }

        var m = envelope.Message;
        _buffer.SealIfOlderThanMaxAge(now);
        _buffer.Add(StationId, new BufferedMessage(m.Boot, m.Seq, m.Ts, envelope.ReceivedAt, envelope.Payload), now);
        ReportBacklog();
        if (_buffer.HasSealed)
        {
            await WriteSealedAsync(now, force: false);
        }

        _stateDirty = true;
        if (first || result.IsSignificant || now - _lastPersist >= _options.StatePersistInterval)
        {
            await PersistAsync(now);
        }

        _indexDirty = true;
        if (first || result.AlertsChanged || now - _lastIndexPush >= _options.IndexRefreshInterval)
        {
            await PushIndexAsync(now, StationModel.SortedSlots(envelope.Message));
        }

        return IngestOutcome.Accepted;
    }

    public Task<StationView?> GetView()
    {
        if (!State.HasReported)
        {
            // Asked about a station that never reported: do not keep an empty activation around.
            DeactivateOnIdle();
            return Task.FromResult<StationView?>(null);
        }

        return Task.FromResult<StationView?>(StationModel.ToView(StationId, State, _time.GetUtcNow(), _options));
    }

    public Task<IReadOnlyList<ArchivedMessage>> GetUnflushedTelemetry() => Task.FromResult(_buffer.Snapshot());

    public async Task Flush()
    {
        var now = _time.GetUtcNow();
        _buffer.Seal();
        await WriteSealedAsync(now, force: true);
        if (_buffer.HasSealed)
        {
            throw new InvalidOperationException($"Station {StationId}: {_buffer.SealedCount} batches could not be archived yet; they stay buffered and are retried.");
        }

        if (_stateDirty)
        {
            await PersistAsync(now);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        _buffer.Seal();

        // Deactivation (idle collection or silo shutdown) is the last chance to archive what is held in memory.
        // Retry a few times within Orleans' deactivation budget before giving up loudly.
        for (var attempt = 0; _buffer.HasSealed && attempt < 5 && !cancellationToken.IsCancellationRequested; attempt++)
        {
            await WriteSealedAsync(now, force: true);
            if (_buffer.HasSealed)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << attempt)), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
            }
        }

        if (_buffer.HasSealed)
        {
            _logger.LogError("Station {StationId} deactivates ({Reason}) with {Count} batches it could not archive; those messages are lost from the archive.",
                StationId, reason, _buffer.SealedCount);
        }

        // Whatever is still unarchived leaves memory with this activation; the silo's backlog must not keep counting it.
        _metrics.ArchiveBacklogChanged(-_reportedBacklog);
        _reportedBacklog = 0;

        if (_stateDirty)
        {
            await PersistAsync(now);
        }

        // When the silo itself stops, index shards are stopping too and the push would fail; the station's next
        // message, wherever it reactivates, refreshes its entry within Station:IndexRefreshInterval.
        if (_indexDirty && reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            await PushIndexAsync(now);
        }
    }

    private async Task MaintainAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        _buffer.SealIfOlderThanMaxAge(now);
        if (_buffer.HasSealed)
        {
            await WriteSealedAsync(now, force: false);
        }

        if (_stateDirty && now - _lastPersist >= _options.StatePersistInterval)
        {
            await PersistAsync(now);
        }

        if (_indexDirty && now - _lastIndexPush >= _options.IndexRefreshInterval)
        {
            await PushIndexAsync(now);
        }
    }

    /// <summary>Writes sealed batches oldest first; on failure keeps them and backs off (exponential, with jitter).</summary>
    private async Task WriteSealedAsync(DateTimeOffset now, bool force)
    {
        if (!force && now < _archiveRetryAt)
        {
            return;
        }

        while (_buffer.HasSealed)
        {
            var batch = _buffer.PeekSealed();
            try
            {
                await _archive.WriteBatchAsync(batch);
                _metrics.ArchiveWritten();
                _buffer.CompleteSealed();
                ReportBacklog();
                _archiveFailures = 0;
                _archiveRetryAt = DateTimeOffset.MinValue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _archiveFailures++;
                _metrics.ArchiveWriteFailed();
                var backoff = TimeSpan.FromMilliseconds(Math.Min(60_000, 250 * Math.Pow(2, Math.Min(_archiveFailures, 10))) * (0.5 + Random.Shared.NextDouble() / 2));
                _archiveRetryAt = now + backoff;
                var level = _buffer.PendingBytes >= _archiveOptions.MaxPendingBytes * 3 / 4 ? LogLevel.Error : LogLevel.Warning;
                _logger.Log(level, ex, "Station {StationId}: archive write of {Key} failed (attempt {Attempt}); {Bytes} bytes kept in memory (limit {Limit}), retry in {Backoff}.",
                    StationId, batch.Key, _archiveFailures, _buffer.PendingBytes, _archiveOptions.MaxPendingBytes, backoff);
                return;
            }
        }
    }

    /// <summary>Moves the silo-wide backlog measure by this station's change since its last report.</summary>
    private void ReportBacklog()
    {
        _metrics.ArchiveBacklogChanged(_buffer.PendingBytes - _reportedBacklog);
        _reportedBacklog = _buffer.PendingBytes;
    }

    private async Task PersistAsync(DateTimeOffset now)
    {
        try
        {
            await _state.WriteStateAsync();
            _metrics.StateWritten();
            _stateDirty = false;
            _lastPersist = now;
        }
        catch (InconsistentStateException ex)
        {
            // Someone else wrote this station's state: this activation's copy is stale. Start over from storage
            // plus archive rather than overwrite newer data.
            _logger.LogError(ex, "Station {StationId}: state changed underneath this activation; deactivating to reload.", StationId);
            DeactivateOnIdle();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The state stays dirty; the maintenance timer retries. The archive still has every message.
            _lastPersist = now;
            _logger.LogWarning(ex, "Station {StationId}: state write failed; retrying in {Interval}.", StationId, _options.StatePersistInterval);
        }
    }

    private Task PushIndexAsync(DateTimeOffset now, IReadOnlyList<SlotReading>? slots = null)
    {
        _indexDirty = false;
        _lastIndexPush = now;
        var shard = GrainFactory.GetGrain<IFleetIndexShardGrain>(FleetIndex.ShardOf(StationId, _fleetOptions.Shards));
        return shard.Upsert(StationModel.ToSummary(StationId, State, _options, slots));
    }

    /// <summary>
    /// State is written behind, so after a crash the stored counters can lag the archive. Replaying archived
    /// messages past the stored watermark brings counters and alerts back exactly instead of guessing.
    /// </summary>
    private async Task RecoverFromArchiveAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var from = State.HasReported ? DateOnly.FromDateTime(State.LastStationTs.UtcDateTime) : today.AddDays(-1);
        var to = from > today ? from : today;
        var batches = await _archive.ListBatchesAsync(StationId, from, to, cancellationToken);
        var replayed = 0;
        foreach (var batch in batches.OrderBy(b => b.Boot).ThenBy(b => b.FirstSeq))
        {
            if (State.HasReported && !StationModel.IsNew(State, batch.Boot, batch.LastSeq))
            {
                continue;
            }

            foreach (var stored in await _archive.ReadBatchAsync(batch, cancellationToken))
            {
                var message = JsonSerializer.Deserialize(stored.Payload, TelemetryJsonContext.Default.TelemetryMessage);
                if (message is not null && StationModel.IsNew(State, message.Boot, message.Seq))
                {
                    StationModel.Apply(State, message, stored.Payload, stored.ReceivedAt, _options);
                    replayed++;
                }
            }
        }

        if (replayed > 0)
        {
            _logger.LogInformation("Station {StationId}: replayed {Count} archived messages past the stored watermark.", StationId, replayed);
            _stateDirty = true;
            _indexDirty = true;
        }
    }
}
