using System.Globalization;
using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// A battery's health alarm rules, free of Orleans: judged on each new health reading its grain applies, from the latest
/// state of health and the state of health per day the ledger keeps. Debounced like the station rules
/// (<see cref="ConditionTracker"/>, station time). An alarm belongs to the station where the reading that raised it was
/// made, so operators see it beside that station's other alarms; it names the battery, and its clear goes to the same
/// alarm wherever the battery is by then.
/// </summary>
public static class BatteryAlarms
{
    /// <summary>Judges the rules on the battery's latest reading; queues raises and clears in <see cref="BatteryState.Alarms"/>.</summary>
    /// <returns>True when a transition was queued.</returns>
    public static bool Evaluate(string batteryId, BatteryState state, AlarmRuleOptions options)
    {
        if (state.Latest is not { SohPct: { } soh } reading)
        {
            return false;
        }

        var queued = false;
        var low = options.BatterySohLow;
        if (low.Enabled)
        {
            var signal = soh < low.RaiseAt ? AlarmSignal.Raise : soh >= low.ClearAt ? AlarmSignal.Clear : AlarmSignal.Hold;
            queued |= Step(batteryId, state, AlertKinds.BatterySohLow, signal, low, reading,
                () => string.Create(CultureInfo.InvariantCulture, $"battery {batteryId}: state of health {soh:0.#} % is below {low.RaiseAt:0.#} %"));
        }

        var falling = options.BatterySohFalling;
        if (falling.Enabled && FallPer30Days(state.SohPerDay, options) is { } fall)
        {
            var signal = fall >= falling.RaiseAt ? AlarmSignal.Raise : fall < falling.ClearAt ? AlarmSignal.Clear : AlarmSignal.Hold;
            queued |= Step(batteryId, state, AlertKinds.BatterySohFalling, signal, falling, reading,
                () => string.Create(CultureInfo.InvariantCulture, $"battery {batteryId}: state of health falling {fall:0.#} points per 30 days (alarm at {falling.RaiseAt:0.#}), now {soh:0.#} %"));
        }

        if (state.Alarms is { Outbox.Count: 0, Conditions.Count: 0 })
        {
            // A healthy battery carries nothing for its alarms.
            state.Alarms = null;
        }

        return queued;
    }

    /// <summary>
    /// Points lost per 30 days: the least-squares slope of the daily minimums within
    /// <see cref="AlarmRuleOptions.BatterySohFallWindow"/> of the newest day, so one low day bends the line rather than
    /// making it. Null while those days span less than <see cref="AlarmRuleOptions.BatterySohFallMinSpan"/>.
    /// </summary>
    public static double? FallPer30Days(IReadOnlyList<SohDay> days, AlarmRuleOptions options)
    {
        if (days.Count < 2)
        {
            return null;
        }

        var newest = days[^1].Day.DayNumber;
        var since = newest - (int)options.BatterySohFallWindow.TotalDays;
        var first = 0;
        while (days[first].Day.DayNumber < since)
        {
            first++;
        }

        if (newest - days[first].Day.DayNumber < options.BatterySohFallMinSpan.TotalDays)
        {
            return null;
        }

        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = first; i < days.Count; i++)
        {
            double x = days[i].Day.DayNumber - newest, y = days[i].SohPct;
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }

        var slopePerDay = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return -slopePerDay * 30;
    }

    private static bool Step(string batteryId, BatteryState state, string kind, AlarmSignal signal, AlarmRule rule, BatteryReading reading, Func<string> describe)
    {
        var rules = state.Alarms;
        if (rules is null || !rules.Conditions.TryGetValue(kind, out var condition))
        {
            if (signal != AlarmSignal.Raise)
            {
                return false;
            }

            rules = state.Alarms ??= new AlarmRuleState();
            condition = rules.Conditions[kind] = new AlarmCondition();
        }

        var queued = false;
        switch (ConditionTracker.Step(condition, signal, reading.At, rule))
        {
            case ConditionChange.Raised:
                condition.AlarmId = AlarmIds.ForTime(reading.StationId, kind, reading.Slot, reading.At);
                rules.Enqueue(new AlarmTransition(condition.AlarmId, reading.StationId, reading.Slot, kind, rule.Severity, Raise: true, reading.At, null, describe(), batteryId));
                queued = true;
                break;
            case ConditionChange.Cleared:
                var id = condition.AlarmId!;
                rules.Enqueue(new AlarmTransition(id, AlarmIds.StationOf(id)!, null, kind, rule.Severity, Raise: false, reading.At, null, $"battery {batteryId}: cleared", batteryId));
                condition.AlarmId = null;
                queued = true;
                break;
        }

        if (condition.Idle)
        {
            rules.Conditions.Remove(kind);
        }

        return queued;
    }
}
