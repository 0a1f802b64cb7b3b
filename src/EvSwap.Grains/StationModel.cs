using System.Text.Json;
using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>What applying one message changed, so the grain can decide what to write and when.</summary>
/// <param name="Late">The message was behind the newest: counted, but the live view stayed as it was.</param>
/// <param name="Custody">Battery custody events derived (a battery docked, handed out or removed).</param>
public readonly record struct ApplyResult(int Swaps, int Faults, bool AlertsChanged, bool Late, IReadOnlyList<Alert>? Raised = null, int Custody = 0)
{
    /// <summary>Changes worth a state write right away instead of waiting for the write-behind interval.</summary>
    public bool IsSignificant => Swaps > 0 || Faults > 0 || AlertsChanged || Custody > 0;
}

/// <summary>
/// The station's rules, free of Orleans so they are unit-tested directly: what a (boot, seq) is to the station,
/// counters, and alert derivation. The grain owns I/O; this owns meaning.
/// </summary>
public static class StationModel
{
    /// <summary>True when (boot, seq) is after the newest applied message, the one the live view shows.</summary>
    public static bool IsNewest(StationState state, long boot, long seq) =>
        !state.HasReported || boot > state.Boot || (boot == state.Boot && seq > state.Seq);

    public static Delivery Classify(StationState state, long boot, long seq, StationOptions options) =>
        state.Delivery.Classify(boot, seq, options);

    /// <summary>
    /// Applies a message the station has not seen (<see cref="Delivery.New"/>): its events are counted whenever it
    /// arrives, but only the newest message moves the live view and the alerts derived from consecutive snapshots.
    /// </summary>
    /// <param name="payload">The message as received; kept as the station's latest snapshot when it is the newest.</param>
    /// <param name="alarms">The alarm rules; the defaults when not given.</param>
    /// <param name="batteries">Battery feed options; the defaults when not given.</param>
    public static ApplyResult Apply(StationState state, TelemetryMessage message, byte[] payload, DateTimeOffset receivedAt, StationOptions options, AlarmRuleOptions? alarms = null, BatteryOptions? batteries = null)
    {
        var newest = IsNewest(state, message.Boot, message.Seq);
        state.Delivery.MarkApplied(message.Boot, message.Seq, options);
        state.Messages++;
        if (!newest)
        {
            state.Late++;
        }

        var swaps = 0;
        var faults = 0;
        foreach (var e in message.Events ?? [])
        {
            if (e.Type == EventTypes.Swap)
            {
                swaps++;
            }
            else if (e.Type == EventTypes.Fault)
            {
                faults++;
            }
        }

        CountSwaps(state, DateOnly.FromDateTime(message.Ts.UtcDateTime), swaps);
        if (swaps > 0)
        {
            EvSwap.Ledger.SwapCollector.Collect(message, newest ? state.LatestSnapshot : null, state.PendingSwaps);
        }

        state.Faults += faults;
        var custody = message.StationId is { } stationId ? StationBatteries.Derive(stationId, state, message, newest, batteries ?? BatteryOptions.Default) : 0;
        if (!newest)
        {
            return new ApplyResult(swaps, faults, AlertsChanged: false, Late: true, Custody: custody);
        }

        state.HasReported = true;
        state.Boot = message.Boot;
        state.Seq = message.Seq;
        state.LastStationTs = message.Ts;
        state.LastSeen = receivedAt;
        state.AmbientC = message.AmbientC;
        state.GridPowerKw = message.GridPowerKw;
        state.LatestSnapshot = payload;

        List<Alert>? raised = null;
        var alertsChanged = AlarmEngine.Evaluate(state.AlarmRules, state.Alerts, message, SortedSlots(message), alarms ?? AlarmRuleOptions.Default, options.ChargedSocPct, ref raised);
        return new ApplyResult(swaps, faults, alertsChanged, Late: false, raised, custody);
    }

    /// <summary>Swaps count toward "today" by the day they happened in station time, late ones included.</summary>
    private static void CountSwaps(StationState state, DateOnly day, int swaps)
    {
        state.SwapsTotal += swaps;
        if (day > state.SwapsDay)
        {
            state.SwapsDay = day;
            state.SwapsToday = 0;
        }

        if (day == state.SwapsDay)
        {
            state.SwapsToday += swaps;
        }
    }

    /// <summary>A message's slots in slot order (stations normally send them in order, so usually no copy).</summary>
    public static IReadOnlyList<SlotReading> SortedSlots(TelemetryMessage message)
    {
        var slots = message.Slots ?? [];
        return IsSortedBySlot(slots) ? slots : [.. slots.OrderBy(s => s.Slot)];
    }

    /// <summary>The station's slots, from its latest snapshot.</summary>
    public static IReadOnlyList<SlotReading> LatestSlots(StationState state) =>
        state.LatestSnapshot is { } bytes && JsonSerializer.Deserialize(bytes, TelemetryJsonContext.Default.TelemetryMessage) is { } latest
            ? SortedSlots(latest)
            : [];

    private static bool IsSortedBySlot(IReadOnlyList<SlotReading> slots)
    {
        for (var i = 1; i < slots.Count; i++)
        {
            if (slots[i - 1].Slot > slots[i].Slot)
            {
                return false;
            }
        }

        return true;
    }

    public static Dictionary<string, int> SlotCounts(IReadOnlyList<SlotReading> slots)
    {
        var counts = SlotStates.All.ToDictionary(s => s, _ => 0);
        foreach (var slot in slots)
        {
            if (slot.State is not null)
            {
                counts[slot.State] = counts.GetValueOrDefault(slot.State) + 1;
            }
        }

        return counts;
    }

    public static int AvailableCharged(IReadOnlyList<SlotReading> slots, double chargedSocPct) =>
        slots.Count(s => s.State == SlotStates.Ready && s.SocPct >= chargedSocPct);

    public static bool IsOnline(DateTimeOffset lastSeen, DateTimeOffset now, TimeSpan offlineAfter) => now - lastSeen < offlineAfter;

    /// <summary>Stored alerts plus the offline alert, which is derived from the clock rather than stored.</summary>
    public static IReadOnlyList<Alert> ActiveAlerts(IReadOnlyList<Alert> stored, DateTimeOffset lastSeen, DateTimeOffset now, TimeSpan offlineAfter)
    {
        if (IsOnline(lastSeen, now, offlineAfter))
        {
            return stored;
        }

        return [.. stored, new Alert(AlertKinds.Offline, null, null, lastSeen + offlineAfter, $"no message since {lastSeen:O}")];
    }

    public static StationView ToView(string stationId, StationState state, DateTimeOffset now, StationOptions options)
    {
        var slots = LatestSlots(state);
        return new(
            stationId,
            IsOnline(state.LastSeen, now, options.OfflineAfter),
            state.LastSeen,
            state.LastStationTs,
            state.Boot,
            state.Seq,
            state.AmbientC,
            state.GridPowerKw,
            slots,
            SlotCounts(slots),
            AvailableCharged(slots, options.ChargedSocPct),
            new StationCounters(state.Messages, state.Duplicates, SwapsToday(state, now), state.SwapsTotal, state.Faults, state.Late),
            ActiveAlerts(state.Alerts, state.LastSeen, now, options.OfflineAfter));
    }

    /// <param name="slots">The latest slots when the caller has them parsed already; otherwise read from the state.</param>
    public static StationSummary ToSummary(string stationId, StationState state, StationOptions options, IReadOnlyList<SlotReading>? slots = null)
    {
        slots ??= LatestSlots(state);
        return new(stationId, state.LastSeen, SlotCounts(slots), AvailableCharged(slots, options.ChargedSocPct), [.. state.Alerts], state.Boot, state.Seq)
        {
            SwapsToday = state.SwapsToday,
            SwapsDay = state.SwapsDay,
        };
    }

    /// <summary>"Today" is the current UTC day; a counter last touched on an earlier day reads as zero.</summary>
    private static long SwapsToday(StationState state, DateTimeOffset now) =>
        state.SwapsDay == DateOnly.FromDateTime(now.UtcDateTime) ? state.SwapsToday : 0;
}
