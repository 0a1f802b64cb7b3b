using EvSwap.Archive;
using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace EvSwap.Grains;

/// <summary>The station grain's keeping: its state written behind, its archive batches confirmed, its index entry fresh.</summary>
public sealed partial class StationGrain
{
    private Task WriteSealedAsync(DateTimeOffset now, bool force) => _archiver.WriteSealedAsync(now, force, MarkArchived);

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

    private Task PushIndexAsync(DateTimeOffset now, IReadOnlyList<SlotReading>? slots = null, bool register = false)
    {
        _indexDirty = false;
        _lastIndexPush = now;
        var shard = GrainFactory.GetGrain<IFleetIndexShardGrain>(FleetIndex.ShardOf(StationId, _fleetOptions.Shards));
        slots ??= StationModel.LatestSlots(State);
        var summary = StationModel.ToSummary(StationId, State, _options, slots) with { Outlook = _downlink.Outlook(slots, now) };
        return register ? shard.Register(summary) : shard.Upsert(summary);
    }

    private void MarkArchived(TelemetryBatch batch)
    {
        foreach (var range in batch.Seqs)
        {
            State.Delivery.MarkArchived(batch.Boot, range, _options);
        }

        _stateDirty = true;
    }

    private async Task RecoverFromArchiveAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var (read, applied) = await StationRecovery.CatchUpAsync(StationId, State, _archive, _options, today, cancellationToken, _alarms.Rules, _batteryOptions);
        _stateDirty |= read > 0;
        if (applied > 0)
        {
            _logger.LogInformation("Station {StationId}: applied {Count} archived messages the stored state had not counted.", StationId, applied);
            _indexDirty = true;
        }
    }
}
