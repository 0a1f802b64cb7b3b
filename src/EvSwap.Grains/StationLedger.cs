using EvSwap.Contracts;
using EvSwap.Ledger;

namespace EvSwap.Grains;

/// <summary>
/// A station's way to the swap ledger. Swaps of applied messages wait in the station's state
/// (<see cref="StationState.PendingSwaps"/>) until the silo's <see cref="SwapLedgerWriter"/> confirms them; only then
/// are they dropped from the state. A crash in between hands them over again from the stored state or from the
/// archive's replay, and the record ids make that harmless.
/// </summary>
public sealed class StationLedger(string stationId, StationState state, SwapLedgerWriter writer, LedgerOptions options)
{
    private readonly List<(List<SwapEvent> Events, Task Written)> _inFlight = [];
    private readonly HashSet<SwapEvent> _submitted = [];

    /// <summary>Refuses a message with swaps while the station or the silo holds as many unwritten swaps as allowed.</summary>
    public void ThrowIfBacklogged(TelemetryMessage message)
    {
        var swaps = 0;
        foreach (var e in message.Events ?? [])
        {
            swaps += e.Type == EventTypes.Swap ? 1 : 0;
        }

        if (swaps > 0 && (state.PendingSwaps.Count + swaps > options.MaxPendingPerStation || !writer.CanAccept(swaps)))
        {
            throw new LedgerBackloggedException(
                $"Station {stationId} holds {state.PendingSwaps.Count} swaps (limit Ledger:MaxPendingPerStation = {options.MaxPendingPerStation}) and the silo {writer.Queued} (limit Ledger:MaxQueuedRecords = {options.MaxQueuedRecords}) the swap store has not confirmed. Retry later.");
        }
    }

    /// <summary>Drops confirmed swaps from the state and hands new ones to the writer.</summary>
    /// <returns>True when the state changed (confirmed swaps were dropped).</returns>
    public bool Sync()
    {
        var changed = false;
        for (var i = _inFlight.Count - 1; i >= 0; i--)
        {
            var (events, written) = _inFlight[i];
            if (!written.IsCompleted)
            {
                continue;
            }

            _inFlight.RemoveAt(i);
            foreach (var e in events)
            {
                _submitted.Remove(e);
                if (written.IsCompletedSuccessfully)
                {
                    changed |= state.PendingSwaps.Remove(e);
                }
            }
        }

        List<SwapEvent>? fresh = null;
        foreach (var e in state.PendingSwaps)
        {
            if (_submitted.Add(e))
            {
                (fresh ??= []).Add(e);
            }
        }

        if (fresh is not null)
        {
            _inFlight.Add((fresh, writer.Submit([.. fresh.Select(e => SwapRecord.From(stationId, e, writer.Models))])));
        }

        return changed;
    }
}
