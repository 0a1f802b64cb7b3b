using Orleans.Storage;
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
public sealed partial class StationGrain : Grain, IStationGrain
{
    public const string StorageName = "evswap";

    private readonly IPersistentState<StationState> _state;
    private readonly TelemetryArchive _archive;
    private readonly ArchiveProgress _progress;
    private readonly StationOptions _options;
    private readonly ArchiveOptions _archiveOptions;
    private readonly FleetOptions _fleetOptions;
    private readonly TimeProvider _time;
    private readonly ILogger<StationGrain> _logger;
    private readonly StationMetrics _metrics;
    private readonly AlarmTransitionSender _alarms;
    private StationArchiver _archiver = null!;
    private StationLedger _ledger = null!;
    private readonly Func<StationState, StationLedger> _newLedger;
    private readonly BatteryOptions _batteryOptions;
    private readonly BatteryCallBudget _batteryBudget;
    private readonly BatteryDockingDesk _dockingDesk;
    private StationBatterySender _batteries = null!;
    private readonly CancellationToken _stopping;
    private StationWatchers? _watchers;

    private bool _stateDirty;
    private DateTimeOffset _lastPersist;
    private bool _indexDirty;
    private DateTimeOffset _lastIndexPush = DateTimeOffset.MinValue;

    public StationGrain(
        [PersistentState("station", StorageName)] IPersistentState<StationState> state,
        TelemetryArchive archive,
        ArchiveProgress progress,
        IOptions<StationOptions> options,
        IOptions<ArchiveOptions> archiveOptions,
        IOptions<FleetOptions> fleetOptions,
        TimeProvider time,
        StationMetrics metrics,
        AlarmTransitionSender alarms,
        ILogger<StationGrain> logger,
        EvSwap.Ledger.SwapLedgerWriter ledger,
        IOptions<EvSwap.Ledger.LedgerOptions> ledgerOptions,
        IOptions<BatteryOptions> batteryOptions,
        BatteryCallBudget batteryBudget,
        BatteryDockingDesk dockingDesk,
        Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime)
    {
        _dockingDesk = dockingDesk;
        _stopping = lifetime.ApplicationStopping;
        _batteryOptions = batteryOptions.Value;
        _batteryBudget = batteryBudget;
        _newLedger = s => new StationLedger(this.GetPrimaryKeyString(), s, ledger, ledgerOptions.Value);
        _metrics = metrics;
        _alarms = alarms;
        _state = state;
        _archive = archive;
        _progress = progress;
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
        _archiver = new StationArchiver(StationId, _archive, _progress, _archiveOptions, _metrics, _logger);
        _lastPersist = _time.GetUtcNow();
        await RecoverFromArchiveAsync(cancellationToken);
        _ledger = _newLedger(State);
        _ledger.Sync();
        _batteries = new StationBatterySender(StationId, State, GrainFactory, _batteryOptions, _dockingDesk, _batteryBudget, _logger, () => _stateDirty |= _batteries.Sync(), _stopping);
        _batteries.Sync();
        await ActivateDownlinkAsync();
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
        if (_archiver.PendingBytes >= _archiveOptions.MaxPendingBytes)
        {
            await WriteSealedAsync(now, force: true);
            if (_archiver.PendingBytes >= _archiveOptions.MaxPendingBytes)
            {
                throw new ArchiveBackloggedException(
                    $"Station {StationId} holds {_archiver.PendingBytes} unarchived bytes (limit Archive:MaxPendingBytes = {_archiveOptions.MaxPendingBytes}); the archive is not accepting writes. Retry later.");
            }
        }

        var m = envelope.Message;
        var first = !State.HasReported;
        ApplyResult result = default;
        IngestOutcome outcome;
        switch (StationModel.Classify(State, m.Boot, m.Seq, _options))
        {
            case Delivery.Archived:
            case Delivery.Applied when _archiver.Contains(m.Boot, m.Seq):
                State.Duplicates++;
                _stateDirty = true;
                return IngestOutcome.Duplicate;
            case Delivery.OutsideWindow:
                return IngestOutcome.OutsideWindow;
            case Delivery.Applied:
                // Counted by an activation that died before archiving it: archive it, count nothing.
                State.Duplicates++;
                outcome = IngestOutcome.Rearchived;
                break;
            default:
                _ledger.ThrowIfBacklogged(m);
                _batteries.ThrowIfBacklogged(m);
                result = StationModel.Apply(State, m, envelope.Payload, envelope.ReceivedAt, _options, _alarms.Rules, _batteryOptions);
                outcome = result.Late ? IngestOutcome.Late : IngestOutcome.Accepted;
                _ledger.Sync();
                _batteries.Sync();
                break;
        }

        foreach (var alert in result.Raised ?? [])
        {
            _metrics.AlertRaised(alert.Kind);
        }

        await _alarms.SendAsync(StationId, State.AlarmRules);

        _archiver.Add(envelope, now);
        if (_archiver.HasSealed)
        {
            await WriteSealedAsync(now, force: false);
        }

        _stateDirty = true;
        var fulfilled = outcome is IngestOutcome.Accepted or IngestOutcome.Late && _downlink.OnTelemetry(m, newest: !result.Late, now);
        var held = outcome == IngestOutcome.Accepted && _downlink.Reservations.Waiting.Any() && await _downlink.HoldChargedAsync(StationModel.SortedSlots(m), now);
        if (first || result.IsSignificant || fulfilled || held || now - _lastPersist >= _options.StatePersistInterval)
        {
            await PersistAsync(now);
        }

        _watchers?.Changed(() => StationModel.ToView(StationId, State, now, _options));
        if (outcome != IngestOutcome.Accepted)
        {
            // The live view did not move, so the index entry has nothing new to say, except after a crash: a replay
            // lands here, and the index shard may have lost this station in the same crash. Nothing else would
            // put it back until the station reports again, so the activation's first such message re-asserts it.
            if (outcome == IngestOutcome.Rearchived && _lastIndexPush == default)
            {
                await PushIndexAsync(now);
            }

            return outcome;
        }

        _indexDirty = true;
        if (first || result.AlertsChanged || result.Swaps > 0 || now - _lastIndexPush >= _options.IndexRefreshInterval)
        {
            await PushIndexAsync(now, StationModel.SortedSlots(envelope.Message), register: first);
        }

        return outcome;
    }

    public Task<StationView?> GetView()
    {
        if (!State.HasReported)
        {
            // Asked about a station that never reported: do not keep an empty activation around.
            DeactivateOnIdle();
            return Task.FromResult<StationView?>(null);
        }

        return Task.FromResult<StationView?>(_downlink.Overlay(StationModel.ToView(StationId, State, _time.GetUtcNow(), _options)));
    }

    public Task<IReadOnlyList<ArchivedMessage>> GetUnflushedTelemetry() => Task.FromResult(_archiver.Snapshot());

    public Task Watch(IStationWatcher watcher) => StationWatchers.Subscribe(ref _watchers, watcher, _logger);

    public Task Unwatch(IStationWatcher watcher) => StationWatchers.Unsubscribe(_watchers, watcher);

    public async Task Flush()
    {
        var now = _time.GetUtcNow();
        _archiver.Seal();
        await WriteSealedAsync(now, force: true);
        if (_archiver.HasSealed)
        {
            throw new InvalidOperationException($"Station {StationId}: {_archiver.SealedCount} batches could not be archived yet; they stay buffered and are retried.");
        }

        if (_stateDirty)
        {
            await PersistAsync(now);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        _archiver.Seal();

        // Deactivation (idle collection or silo shutdown) is the last chance to archive what is held in memory.
        // Retry a few times within Orleans' deactivation budget before giving up loudly.
        for (var attempt = 0; _archiver.HasSealed && attempt < 5 && !cancellationToken.IsCancellationRequested; attempt++)
        {
            await WriteSealedAsync(now, force: true);
            if (_archiver.HasSealed)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << attempt)), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
            }
        }

        if (_archiver.HasSealed)
        {
            // The state written below records them as applied but not archived, so a redelivery or a replay of the
            // same messages archives them then, without counting them again.
            _logger.LogError("Station {StationId} deactivates ({Reason}) with {Count} batches it could not archive; they are missing from the archive until redelivered.",
                StationId, reason, _archiver.SealedCount);
        }

        _archiver.Release();

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
        _stateDirty |= _ledger.Sync();
        _stateDirty |= _batteries.Sync();
        _stateDirty |= await _alarms.SendAsync(StationId, State.AlarmRules);
        _archiver.SealIfOlderThanMaxAge(now);
        if (_archiver.HasSealed)
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
}
