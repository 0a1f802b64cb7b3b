namespace EvSwap.Grains;

/// <summary>
/// Debounces a rule's signal: raise only after it held for MinMessages readings and RaiseAfter, clear only after the
/// clear signal held for ClearAfter. Any other reading restarts the wait, which is what keeps a flapping signal at one
/// alarm instead of one per flap.
/// </summary>
public static class ConditionTracker
{
    public static ConditionChange Step(AlarmCondition condition, AlarmSignal signal, DateTimeOffset at, AlarmRule rule)
    {
        if (!condition.Active)
        {
            if (signal != AlarmSignal.Raise)
            {
                condition.PendingSince = null;
                condition.PendingCount = 0;
                return ConditionChange.None;
            }

            condition.PendingSince ??= at;
            condition.PendingCount++;
            if (condition.PendingCount < rule.MinMessages || at - condition.PendingSince.Value < rule.RaiseAfter)
            {
                return ConditionChange.None;
            }

            condition.PendingSince = null;
            condition.PendingCount = 0;
            return ConditionChange.Raised;
        }

        if (signal != AlarmSignal.Clear)
        {
            condition.ClearingSince = null;
            return ConditionChange.None;
        }

        condition.ClearingSince ??= at;
        if (at - condition.ClearingSince.Value < rule.ClearAfter)
        {
            return ConditionChange.None;
        }

        condition.ClearingSince = null;
        return ConditionChange.Cleared;
    }
}
