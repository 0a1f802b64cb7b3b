using System.Globalization;
using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// The telemetry-driven alarm rules, free of Orleans: each newest snapshot is turned into one signal per rule and slot,
/// debounced by <see cref="ConditionTracker"/>. A raise or clear updates the station's active alert list (what the
/// station view, the fleet index and <c>GET /alerts</c> show) and queues a transition for the alarm shard.
/// </summary>
public static class AlarmEngine
{
    /// <summary>Transitions held while the alarm shard is unreachable; beyond it the oldest are dropped and counted.</summary>
    public const int MaxOutbox = 1000;

    /// <returns>True when the station's active alerts changed.</returns>
    public static bool Evaluate(
        AlarmRuleState rules, List<Alert> alerts, TelemetryMessage message, IReadOnlyList<SlotReading> slots,
        AlarmRuleOptions options, double chargedSocPct, ref List<Alert>? raised)
    {
        var ctx = new Context(rules, alerts, message, options);
        UpdateRates(rules, message.Ts, slots, options.RapidRiseWindow, out var fresh);

        foreach (var slot in slots)
        {
            if (options.OverTemperature.Enabled)
            {
                var signal = slot.TempC is not { } t ? AlarmSignal.Hold
                    : t >= options.OverTemperature.RaiseAt ? AlarmSignal.Raise
                    : t < options.OverTemperature.ClearAt ? AlarmSignal.Clear
                    : AlarmSignal.Hold;
                ctx.Step(AlertKinds.OverTemperature, slot.Slot, signal, options.OverTemperature, null, slot.TempC ?? 0, 0, ref raised);
            }

            if (options.SlotFault.Enabled)
            {
                var faulty = slot.State == SlotStates.Fault;
                var code = faulty ? LastFaultCode(message, slot.Slot) : null;
                ctx.Step(AlertKinds.SlotFault, slot.Slot, faulty ? AlarmSignal.Raise : AlarmSignal.Clear, options.SlotFault, code, 0, 0, ref raised);
            }

            // A rate is judged once per window, when the window completes; in between the condition waits as it is.
            if (options.RapidRise.Enabled && fresh is not null && fresh.Contains(slot.Slot))
            {
                var rate = rules.Temperatures[slot.Slot].RatePerMinute!.Value;
                var others = MedianOfOthers(rules.Temperatures, slot.Slot);
                var signal = rate >= options.RapidRise.RaiseAt && rate - others >= options.RapidRiseMarginCPerMinute ? AlarmSignal.Raise
                    : rate < options.RapidRise.ClearAt ? AlarmSignal.Clear
                    : AlarmSignal.Hold;
                ctx.Step(AlertKinds.RapidTemperatureRise, slot.Slot, signal, options.RapidRise, null, rate, others, ref raised);
            }
        }

        if (options.LowAvailability.Enabled)
        {
            var available = StationModel.AvailableCharged(slots, chargedSocPct);
            var signal = available < options.LowAvailability.RaiseAt ? AlarmSignal.Raise
                : available >= options.LowAvailability.ClearAt ? AlarmSignal.Clear
                : AlarmSignal.Hold;
            ctx.Step(AlertKinds.LowAvailability, null, signal, options.LowAvailability, null, available, 0, ref raised);
        }

        ctx.ForgetMissingSlots(slots);
        return ctx.Changed;
    }

    public static string Key(string kind, int? slot) => slot is { } s ? $"{kind}/{s}" : $"{kind}/station";

    private static string? LastFaultCode(TelemetryMessage message, int slot)
    {
        string? code = null;
        foreach (var e in message.Events ?? [])
        {
            if (e.Type == EventTypes.Fault && e.Slot == slot)
            {
                code = e.Code;
            }
        }

        return code;
    }

    /// <summary>Completes each slot's rise-rate window once it is long enough; <paramref name="fresh"/> lists the slots that got a new rate.</summary>
    private static void UpdateRates(AlarmRuleState rules, DateTimeOffset at, IReadOnlyList<SlotReading> slots, TimeSpan window, out HashSet<int>? fresh)
    {
        fresh = null;
        foreach (var slot in slots)
        {
            if (slot.TempC is not { } t)
            {
                rules.Temperatures.Remove(slot.Slot);
                continue;
            }

            if (!rules.Temperatures.TryGetValue(slot.Slot, out var sample) || at < sample.At)
            {
                // First reading, or the station clock went back (a reboot): start a new window.
                rules.Temperatures[slot.Slot] = new TemperatureSample { At = at, TempC = t };
                continue;
            }

            var elapsed = at - sample.At;
            if (elapsed < window)
            {
                continue;
            }

            sample.RatePerMinute = (t - sample.TempC) / elapsed.TotalMinutes;
            sample.At = at;
            sample.TempC = t;
            (fresh ??= []).Add(slot.Slot);
        }
    }

    private static double MedianOfOthers(Dictionary<int, TemperatureSample> samples, int slot)
    {
        var rates = samples.Where(s => s.Key != slot && s.Value.RatePerMinute is not null).Select(s => s.Value.RatePerMinute!.Value).OrderBy(r => r).ToList();
        if (rates.Count == 0)
        {
            // A single battery: nothing to compare with, so only the absolute rate counts.
            return 0;
        }

        return rates.Count % 2 == 1 ? rates[rates.Count / 2] : (rates[rates.Count / 2 - 1] + rates[rates.Count / 2]) / 2;
    }

    private sealed class Context(AlarmRuleState rules, List<Alert> alerts, TelemetryMessage message, AlarmRuleOptions options)
    {
        public bool Changed { get; private set; }

        // Validated before it reaches a grain; never null here.
        private string Station => message.StationId ?? string.Empty;

        /// <param name="value">What the rule measured (°C, °C/min, batteries); <paramref name="other"/> the other slots' rate. Only a raise turns them into text.</param>
        public void Step(string kind, int? slot, AlarmSignal signal, AlarmRule rule, string? code, double value, double other, ref List<Alert>? raised)
        {
            var key = Key(kind, slot);
            if (!rules.Conditions.TryGetValue(key, out var condition))
            {
                if (signal != AlarmSignal.Raise)
                {
                    // The common case, a healthy reading with nothing pending: no entry, no allocation.
                    return;
                }

                condition = rules.Conditions[key] = new AlarmCondition();
            }

            switch (ConditionTracker.Step(condition, signal, message.Ts, rule))
            {
                case ConditionChange.Raised:
                    condition.AlarmId = AlarmIds.ForMessage(Station, kind, slot, message.Boot, message.Seq);
                    var text = Describe(kind, slot, code, value, other);
                    var alert = new Alert(kind, slot, code, message.Ts, text);
                    alerts.Add(alert);
                    (raised ??= []).Add(alert);
                    Queue(new AlarmTransition(condition.AlarmId, Station, slot, kind, rule.Severity, Raise: true, message.Ts, code, text));
                    Changed = true;
                    break;
                case ConditionChange.Cleared:
                    Clear(key, condition, kind, slot, rule.Severity);
                    break;
            }

            if (condition.Idle)
            {
                rules.Conditions.Remove(key);
            }
        }

        /// <summary>A slot missing from the snapshot (cabinet reconfigured) can no longer be hot or faulty.</summary>
        public void ForgetMissingSlots(IReadOnlyList<SlotReading> slots)
        {
            if (rules.Conditions.Count > 0 && AnyMissing(slots))
            {
                foreach (var (key, condition) in rules.Conditions.ToList())
                {
                    if (SlotOf(key) is { } slot && !HasSlot(slots, slot))
                    {
                        var kind = key[..key.IndexOf('/')];
                        if (condition.Active)
                        {
                            Clear(key, condition, kind, slot, SeverityOf(kind));
                        }

                        rules.Conditions.Remove(key);
                    }
                }
            }

            // Alerts stored before the alarm rules existed have no condition behind them; nothing would ever clear them.
            // Loops rather than lambdas: this runs for every message of a station with an alert.
            for (var i = alerts.Count - 1; i >= 0; i--)
            {
                if (!(rules.Conditions.TryGetValue(Key(alerts[i].Kind, alerts[i].Slot), out var c) && c.Active))
                {
                    alerts.RemoveAt(i);
                    Changed = true;
                }
            }
        }

        private bool AnyMissing(IReadOnlyList<SlotReading> slots)
        {
            foreach (var key in rules.Conditions.Keys)
            {
                if (SlotOf(key) is { } slot && !HasSlot(slots, slot))
                {
                    return true;
                }
            }

            return false;
        }

        private static int? SlotOf(string key) =>
            int.TryParse(key.AsSpan(key.IndexOf('/') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var slot) ? slot : null;

        private static bool HasSlot(IReadOnlyList<SlotReading> slots, int slot)
        {
            foreach (var s in slots)
            {
                if (s.Slot == slot)
                {
                    return true;
                }
            }

            return false;
        }

        private void Clear(string key, AlarmCondition condition, string kind, int? slot, string severity)
        {
            Queue(new AlarmTransition(condition.AlarmId!, Station, slot, kind, severity, Raise: false, message.Ts, null, $"cleared: {key}"));
            condition.AlarmId = null;
            alerts.RemoveAll(a => a.Kind == kind && a.Slot == slot);
            Changed = true;
        }

        private void Queue(AlarmTransition transition) => rules.Enqueue(transition);

        private string Describe(string kind, int? slot, string? code, double value, double other) => kind switch
        {
            AlertKinds.OverTemperature => string.Create(CultureInfo.InvariantCulture, $"slot {slot} at {value:0.#} °C (limit {options.OverTemperature.RaiseAt:0.#} °C)"),
            AlertKinds.RapidTemperatureRise => string.Create(CultureInfo.InvariantCulture, $"slot {slot} warming {value:0.#} °C/min (other slots {other:0.#} °C/min, limit {options.RapidRise.RaiseAt:0.#})"),
            AlertKinds.SlotFault => code is null ? $"slot {slot} reports a fault" : $"slot {slot} reports fault {code}",
            _ => string.Create(CultureInfo.InvariantCulture, $"{value:0} charged batteries available (fewer than {options.LowAvailability.RaiseAt:0} for {options.LowAvailability.RaiseAfter})"),
        };

        private string SeverityOf(string kind) => kind switch
        {
            AlertKinds.OverTemperature => options.OverTemperature.Severity,
            AlertKinds.RapidTemperatureRise => options.RapidRise.Severity,
            AlertKinds.SlotFault => options.SlotFault.Severity,
            _ => options.LowAvailability.Severity,
        };
    }
}
