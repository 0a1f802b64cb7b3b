using EvSwap.Contracts;
using EvSwap.Ledger;
using Microsoft.Extensions.Logging;

namespace EvSwap.Grains;

/// <summary>
/// A station's way to its batteries' grains. Battery events wait in the station's state
/// (<see cref="StationState.PendingBatteryEvents"/>) until their battery grain confirms it stored them; one call per
/// battery carries all of that battery's events. A crash in between hands them over again from the stored state or the
/// archive's replay, and the battery grain's applied-event marks make the repeat harmless. A snapshot's dockings go to
/// their index shards first (<see cref="IndexDocking"/>, through the silo's <see cref="BatteryDockingDesk"/>) and wait
/// until the shards have stored them; those a shard refuses go to their battery grains.
/// </summary>
/// <param name="settled">Called on the grain's scheduler when a call succeeded, so the station hands over what waited for it.</param>
/// <param name="budget">The silo's calls per second: a call waits for its turn before it goes out.</param>
/// <param name="desk">The silo's way to the battery index for dockings.</param>
/// <param name="stopping">Once the silo stops, nothing new is handed over: the events wait in the stored state for the next start.</param>
public sealed class StationBatterySender(string stationId, StationState state, IGrainFactory grains, BatteryOptions options, BatteryDockingDesk desk, BatteryCallBudget budget, ILogger logger, Action settled, CancellationToken stopping = default)
{
    private static readonly IReadOnlyList<BatteryEvent> NoneLeft = [];

    /// <summary>Each call with its events and, once it succeeded, those of them that still need their battery grain.</summary>
    private readonly List<(List<BatteryEvent> Events, Task<IReadOnlyList<BatteryEvent>> Sent)> _inFlight = [];
    private readonly HashSet<BatteryEvent> _submitted = [];

    /// <summary>Dockings an index shard refused: they go to their battery grains.</summary>
    private readonly HashSet<BatteryEvent> _refusedByIndex = [];

    /// <summary>Refuses a message that changes custody while the station holds as many unconfirmed battery events as allowed.</summary>
    public void ThrowIfBacklogged(TelemetryMessage message)
    {
        if (state.PendingBatteryEvents.Count >= options.MaxPendingPerStation && StationBatteries.WouldChangeCustody(state, message))
        {
            throw new LedgerBackloggedException(
                $"Station {stationId} holds {state.PendingBatteryEvents.Count} battery events (limit Ledger:Batteries:MaxPendingPerStation = {options.MaxPendingPerStation}) its battery grains have not confirmed. Retry later.");
        }
    }

    /// <summary>
    /// Drops confirmed events from the state and hands new ones to their battery grains (not awaited), at most
    /// <see cref="BatteryOptions.MaxCallsInFlightPerStation"/> calls at a time.
    /// </summary>
    /// <returns>True when the state changed.</returns>
    public bool Sync()
    {
        var changed = false;
        for (var i = _inFlight.Count - 1; i >= 0; i--)
        {
            var (events, sent) = _inFlight[i];
            if (!sent.IsCompleted)
            {
                continue;
            }

            _inFlight.RemoveAt(i);
            var left = sent.IsCompletedSuccessfully ? sent.Result : null;
            foreach (var e in events)
            {
                _submitted.Remove(e);
                if (left?.Contains(e) == true)
                {
                    _refusedByIndex.Add(e);
                }
                else if (left is not null)
                {
                    changed |= state.PendingBatteryEvents.Remove(e);
                    _refusedByIndex.Remove(e);
                }
            }
        }

        changed |= DropReadingsPastBound();
        // A battery's events reach it in the station's order: one whose earlier events are still out waits for them.
        // Its grain judges alarm rules on its latest reading only, so a reading that overtook a docking would be judged
        // and the docking then filed as a late event, never judged.
        var busy = _submitted.Count == 0 ? null : _submitted.Select(e => e.BatteryId).ToHashSet(StringComparer.Ordinal);
        Dictionary<string, List<BatteryEvent>>? fresh = null;
        foreach (var e in state.PendingBatteryEvents)
        {
            if (busy?.Contains(e.BatteryId) != true && _submitted.Add(e))
            {
                fresh ??= new(StringComparer.Ordinal);
                if (!fresh.TryGetValue(e.BatteryId, out var list))
                {
                    fresh[e.BatteryId] = list = [];
                }

                list.Add(e);
            }
        }

        var toIndex = fresh?.Values.Where(events => events is [var only] && ForIndex(only)).Select(events => events[0]).ToList();
        if (toIndex is { Count: > 0 })
        {
            // One hand-over for all of them, however many shards it takes.
            Start(toIndex, () => DockInIndexAsync(toIndex));
        }

        foreach (var (batteryId, events) in fresh ?? [])
        {
            if (!(events is [var only] && ForIndex(only)))
            {
                Start(events, () => SendAsync(batteryId, events));
            }
        }

        return changed;
    }

    private bool ForIndex(BatteryEvent e) => options.DockInIndex && IndexDocking.IsCandidate(e) && !_refusedByIndex.Contains(e);

    private void Start(List<BatteryEvent> events, Func<Task<IReadOnlyList<BatteryEvent>>> send)
    {
        if (_inFlight.Count >= options.MaxCallsInFlightPerStation || stopping.IsCancellationRequested)
        {
            // Still pending in the state: the next message or maintenance tick hands them over.
            foreach (var e in events)
            {
                _submitted.Remove(e);
            }

            return;
        }

        var sent = send();
        _inFlight.Add((events, sent));
        // Only after a success: a failed call is retried by the next message or maintenance tick, not in a tight loop.
        _ = sent.ContinueWith(_ => settled(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Current);
    }

    /// <returns>The dockings the shards refused.</returns>
    private async Task<IReadOnlyList<BatteryEvent>> DockInIndexAsync(List<BatteryEvent> dockings)
    {
        try
        {
            return await desk.DockAsync(dockings);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Station {StationId}: the battery index has not confirmed {Count} dockings; they stay pending and are handed over again.", stationId, dockings.Count);
            throw;
        }
    }

    private async Task<IReadOnlyList<BatteryEvent>> SendAsync(string batteryId, List<BatteryEvent> events)
    {
        if (!await budget.WaitAsync(stopping))
        {
            throw new InvalidOperationException($"Station {stationId}: battery {batteryId} waits for the silo's budget of calls behind too many others; its events stay pending.");
        }

        try
        {
            await grains.GetGrain<IBatteryGrain>(batteryId).Apply(events);
            return NoneLeft;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Station {StationId}: battery {BatteryId} has not confirmed {Count} events; they stay pending and are handed over again.", stationId, batteryId, events.Count);
            throw;
        }
    }

    /// <summary>
    /// Past the bound a reading is the one thing given up: the next one, a health interval later, says as much.
    /// Custody events are never dropped; messages that would add one are refused instead.
    /// </summary>
    private bool DropReadingsPastBound()
    {
        var excess = state.PendingBatteryEvents.Count - options.MaxPendingPerStation;
        if (excess <= 0)
        {
            return false;
        }

        var dropped = state.PendingBatteryEvents.RemoveAll(e => excess-- > 0 && e.Kind == BatteryEventKinds.Reading && !_submitted.Contains(e));
        if (dropped > 0)
        {
            logger.LogWarning("Station {StationId}: dropped {Count} unsent battery readings past Ledger:Batteries:MaxPendingPerStation = {Max}.", stationId, dropped, options.MaxPendingPerStation);
        }

        return dropped > 0;
    }
}
