using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// A battery's rules, free of Orleans so they are unit-tested with any clock: which events are new, the custody chain in
/// station-time order (a late event takes its place in time, it does not overwrite the present), health, anomalies.
/// </summary>
public static class BatteryBook
{
    /// <summary>Station time first; the event id breaks ties, so a removal and a docking of one message keep their order.</summary>
    public static readonly Comparison<BatteryHistoryEntry> Order = (a, b) =>
        a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.EventId, b.EventId);

    /// <param name="onLatestHealth">Called after each new event that became the battery's latest reading with a state of health: where its alarm rules are judged, once per reading.</param>
    /// <returns>How many of the events were new (applied now); the rest had been applied before.</returns>
    public static int Apply(BatteryState state, IReadOnlyList<BatteryEvent> events, BatteryOptions options, Action? onLatestHealth = null)
    {
        var applied = 0;
        foreach (var e in events.OrderBy(e => e.At))
        {
            var mark = EventMark.Of(e);
            if (!state.Applied.TryGetValue(e.StationId, out var marks))
            {
                marks = new AppliedMarks();
                state.Applied[e.StationId] = marks;
            }
            else if (marks.Contains(mark))
            {
                continue;
            }

            marks.Add(mark, e.At, options.RememberedEventsPerStation);
            ForgetOldStations(state, options);
            applied++;
            state.EventsApplied++;
            if (state.FirstSeen is null || e.At < state.FirstSeen)
            {
                state.FirstSeen = e.At;
            }

            Insert(state.History, new BatteryHistoryEntry(e.At, e.Kind, e.StationId, e.Slot, e.Key, e.SocPct, e.SohPct, e.Cycles, e.TempC));
            if (e.HasReading && ApplyReading(state, e, options) && e.SohPct is not null)
            {
                onLatestHealth?.Invoke();
            }
        }

        if (applied > 0)
        {
            Trim(state, options);
            Fold(state);
            EvaluateFade(state, options);
        }

        return applied;
    }

    /// <summary>Compares the latest state of health with its cycles bucket's fleet median, when the bucket has one.</summary>
    public static void EvaluateFade(BatteryState state, BatteryOptions options)
    {
        if (state.Latest?.SohPct is { } soh && state.FleetMedianSoh is { } median && soh < median - options.SohBelowFleetMedianPct)
        {
            if (!state.Anomalies.ContainsKey(BatteryAnomalyKinds.SohFastFade))
            {
                state.Anomalies[BatteryAnomalyKinds.SohFastFade] = new(BatteryAnomalyKinds.SohFastFade, state.Latest.At,
                    $"state of health {soh:0.#} % at {state.Latest.Cycles} cycles is more than {options.SohBelowFleetMedianPct:0.#} points below the fleet median {median:0.#} % of its {options.CyclesBucket}-cycle bucket");
            }
        }
        else
        {
            state.Anomalies.Remove(BatteryAnomalyKinds.SohFastFade);
        }
    }

    public static bool IsPossiblyLost(BatteryCustody custody, DateTimeOffset now, BatteryOptions options) =>
        custody.Status == BatteryStatuses.WithRider && now - custody.Since > options.LostAfterSpan;

    public static BatteryCustody CustodyOf(BatteryState state) =>
        state.Custody ?? new BatteryCustody(BatteryStatuses.Unknown, null, null, state.FirstSeen ?? default);

    /// <summary>Stored anomalies plus the possibly-lost one, which is derived from the clock rather than stored.</summary>
    public static IReadOnlyList<BatteryAnomaly> Anomalies(BatteryState state, DateTimeOffset now, BatteryOptions options)
    {
        var list = state.Anomalies.Values.OrderBy(a => a.Kind, StringComparer.Ordinal).ToList();
        var custody = CustodyOf(state);
        if (IsPossiblyLost(custody, now, options))
        {
            list.Add(new(BatteryAnomalyKinds.PossiblyLost, custody.Since + options.LostAfterSpan,
                $"with a rider since {custody.Since:O} after a swap at {custody.StationId}, longer than {options.LostAfter:0.##} days"));
        }

        return list;
    }

    public static BatteryView ToView(string batteryId, BatteryState state, DateTimeOffset now, BatteryOptions options)
    {
        var custody = CustodyOf(state);
        var seconds = new Dictionary<string, double>(state.Seconds);
        seconds[custody.Status] = seconds.GetValueOrDefault(custody.Status) + Math.Max(0, (now - custody.Since).TotalSeconds);
        return new BatteryView(batteryId, custody, state.Latest, state.PeakTempC, state.PeakTempAt, seconds, [.. state.SohPerDay],
            Anomalies(state, now, options), state.EventsApplied, state.OverTemperatureReadings);
    }

    /// <summary>What the index keeps; possibly-lost is left to the index to derive from the custody's time.</summary>
    public static BatterySummary ToSummary(string batteryId, BatteryState state, DateTimeOffset now) =>
        new(batteryId, CustodyOf(state), state.Latest?.SohPct is { } soh ? Math.Round(soh, 1) : null,
            [.. state.Anomalies.Keys.Order(StringComparer.Ordinal)], now);

    /// <param name="after">"{at:O}|{eventId}" of the last entry of the previous page.</param>
    public static BatteryHistoryPage History(BatteryState state, string? after, int limit)
    {
        var start = 0;
        if (after is not null && ParsePosition(after) is { } position)
        {
            start = state.History.FindIndex(e => Order(e, position) > 0);
            start = start < 0 ? state.History.Count : start;
        }

        var items = state.History.Skip(start).Take(limit).ToList();
        var next = start + items.Count < state.History.Count && items.Count > 0 ? PositionOf(items[^1]) : null;
        return new BatteryHistoryPage(items, next, state.Trimmed);
    }

    public static string PositionOf(BatteryHistoryEntry e) => $"{e.At.UtcDateTime:O}|{e.EventId}";

    public static BatteryHistoryEntry? ParsePosition(string position)
    {
        var bar = position.IndexOf('|');
        return bar > 0 && DateTimeOffset.TryParse(position[..bar], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? new BatteryHistoryEntry(at, "", "", null, position[(bar + 1)..], null, null, null, null)
            : null;
    }

    private static void Insert(List<BatteryHistoryEntry> history, BatteryHistoryEntry entry)
    {
        // Nearly always the newest: a late event walks back only as far as its time.
        var i = history.Count;
        while (i > 0 && Order(history[i - 1], entry) > 0)
        {
            i--;
        }

        history.Insert(i, entry);
    }

    private static void ForgetOldStations(BatteryState state, BatteryOptions options)
    {
        while (state.Applied.Count > options.RememberedStations)
        {
            state.Applied.Remove(state.Applied.MinBy(p => p.Value.LastAt).Key);
        }
    }

    /// <returns>True when the reading became the latest.</returns>
    private static bool ApplyReading(BatteryState state, BatteryEvent e, BatteryOptions options)
    {
        var previous = state.Latest;
        var latest = previous is null || e.At >= previous.At;
        if (latest)
        {
            // A docking may carry only the state of charge; what the battery reported before still holds.
            state.Latest = new BatteryReading(e.At, e.StationId, e.Slot, e.SocPct ?? previous?.SocPct, e.SohPct ?? previous?.SohPct,
                e.Cycles ?? previous?.Cycles, e.TempC ?? previous?.TempC);
        }

        if (e.SohPct is { } soh)
        {
            SohDays.Record(state.SohPerDay, DateOnly.FromDateTime(e.At.UtcDateTime), soh, options.SohDays);
        }

        if (e.TempC is { } temp)
        {
            if (state.PeakTempC is null || temp > state.PeakTempC)
            {
                (state.PeakTempC, state.PeakTempAt) = (temp, e.At);
            }

            if (temp >= options.OverTemperatureC)
            {
                RecordOverTemperature(state, e, temp, options);
            }
        }

        if (state.Anomalies.ContainsKey(BatteryAnomalyKinds.OverTemperature) && state.OverTemps.Count > 0 && state.Latest!.At - state.OverTemps[^1] > options.OverTemperatureWindow)
        {
            state.Anomalies.Remove(BatteryAnomalyKinds.OverTemperature);
        }

        if (e.Cycles is { } cycles)
        {
            if (state.MaxCycles is { } max && cycles < max && e.At > state.MaxCyclesAt)
            {
                state.Anomalies.TryAdd(BatteryAnomalyKinds.CyclesBackwards, new(BatteryAnomalyKinds.CyclesBackwards, e.At,
                    $"cycles went from {max} (at {state.MaxCyclesAt:O}) to {cycles} at {e.StationId} slot {e.Slot} ({e.At:O}): BMS replaced or tampered with"));
                (state.MaxCycles, state.MaxCyclesAt) = (cycles, e.At);
            }
            else if (state.MaxCycles is null || cycles >= state.MaxCycles)
            {
                state.MaxCycles = cycles;
                state.MaxCyclesAt = e.At > state.MaxCyclesAt ? e.At : state.MaxCyclesAt;
            }
        }

        return latest;
    }

    private static void RecordOverTemperature(BatteryState state, BatteryEvent e, double temp, BatteryOptions options)
    {
        state.OverTemperatureReadings++;
        var times = state.OverTemps;
        var i = times.BinarySearch(e.At);
        times.Insert(i < 0 ? ~i : i, e.At);
        if (times.Count > options.OverTemperatureRepeats)
        {
            times.RemoveRange(0, times.Count - options.OverTemperatureRepeats);
        }

        if (times.Count == options.OverTemperatureRepeats && times[^1] - times[0] <= options.OverTemperatureWindow)
        {
            state.Anomalies.TryAdd(BatteryAnomalyKinds.OverTemperature, new(BatteryAnomalyKinds.OverTemperature, times[^1],
                $"{times.Count} readings at or above {options.OverTemperatureC:0.#} °C within {options.OverTemperatureWindow}, the last {temp:0.#} °C at {e.StationId} slot {e.Slot}"));
        }
    }

    private static void Trim(BatteryState state, BatteryOptions options)
    {
        var excess = state.History.Count - options.HistoryLimit;
        if (excess <= 0)
        {
            return;
        }

        var custody = state.Base ?? new BatteryCustody(BatteryStatuses.Unknown, null, null, state.FirstSeen ?? default);
        foreach (var entry in state.History.Take(excess))
        {
            custody = Step(custody, state.BaseSeconds, entry, out _);
        }

        state.Base = custody;
        state.History.RemoveRange(0, excess);
        state.Trimmed += excess;
    }

    private static void Fold(BatteryState state)
    {
        var custody = state.Base ?? new BatteryCustody(BatteryStatuses.Unknown, null, null, state.FirstSeen ?? default);
        var seconds = new Dictionary<string, double>(state.BaseSeconds);
        foreach (var entry in state.History)
        {
            custody = Step(custody, seconds, entry, out var elsewhere);
            if (elsewhere && !state.Anomalies.ContainsKey(BatteryAnomalyKinds.TwoPlaces))
            {
                state.Anomalies[BatteryAnomalyKinds.TwoPlaces] = new(BatteryAnomalyKinds.TwoPlaces, entry.At,
                    $"reported in {entry.StationId} slot {entry.Slot} at {entry.At:O} while in {custody.StationId} slot {custody.Slot} since {custody.Since:O}");
            }
        }

        state.Custody = custody;
        state.Seconds = seconds;
    }

    /// <param name="elsewhere">A reading from a place other than the one the battery is in at that time.</param>
    private static BatteryCustody Step(BatteryCustody custody, Dictionary<string, double> seconds, BatteryHistoryEntry entry, out bool elsewhere)
    {
        elsewhere = false;
        var here = custody.StationId == entry.StationId && custody.Slot == entry.Slot;
        BatteryCustody? next = entry.Kind switch
        {
            BatteryEventKinds.Docked when !(custody.Status == BatteryStatuses.InStation && here) => new(BatteryStatuses.InStation, entry.StationId, entry.Slot, entry.At),
            BatteryEventKinds.SwappedOut when custody.Status != BatteryStatuses.WithRider => new(BatteryStatuses.WithRider, entry.StationId, entry.Slot, entry.At),
            BatteryEventKinds.Removed when custody.Status == BatteryStatuses.InStation && here => new(BatteryStatuses.Removed, entry.StationId, entry.Slot, entry.At),
            _ => null,
        };

        if (next is null)
        {
            elsewhere = entry.Kind == BatteryEventKinds.Reading && custody.Status == BatteryStatuses.InStation && !here;
            return custody;
        }

        seconds[custody.Status] = seconds.GetValueOrDefault(custody.Status) + Math.Max(0, (next.Since - custody.Since).TotalSeconds);
        return next;
    }
}
