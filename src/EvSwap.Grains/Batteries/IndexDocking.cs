using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// A battery docked without its grain. Most dockings are of batteries that stay where they are: a station's first
/// snapshot docks every battery it holds, and a fleet coming online docks sixteen per station. Each used to activate
/// a battery grain that read its state, wrote it and pushed its index entry. A docking that triggers nothing now goes to
/// the battery's index shard alone, which stores it with the battery's summary; the grain takes it over (applies it as
/// its first event) when it is next needed: its next custody change, its next health reading, or a view.
/// </summary>
public static class IndexDocking
{
    /// <summary>
    /// A snapshot's docking (a battery found in a slot), not a swap's: a battery brought by a swap was out with a rider,
    /// so its grain holds its history already.
    /// </summary>
    public static bool IsCandidate(BatteryEvent e) => e.Kind == BatteryEventKinds.Docked && e.Index >= BatteryEventKinds.SlotIndexBase;

    /// <summary>
    /// The index entry of a battery whose first event is <paramref name="docking"/>, judged by the grain's own rules on a
    /// new state; null when its grain must see it now: the reading raises an anomaly, an over-temperature count or an
    /// alarm rule's state. The fleet statistics count the battery once its grain has taken the docking over.
    /// </summary>
    public static BatterySummary? SummaryOf(BatteryEvent docking, BatteryOptions options, AlarmRuleOptions rules, DateTimeOffset now)
    {
        var state = new BatteryState();
        BatteryBook.Apply(state, [docking], options, () => BatteryAlarms.Evaluate(docking.BatteryId, state, rules));
        if (state.Anomalies.Count > 0 || state.OverTemperatureReadings > 0 || state.Alarms is not null)
        {
            return null;
        }

        return BatteryBook.ToSummary(docking.BatteryId, state, now) with { Docking = docking };
    }
}
