using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>A battery's state of health per day: the lowest reading of each day, in day order, the newest days kept.</summary>
public static class SohDays
{
    public static void Record(List<SohDay> days, DateOnly day, double soh, int keep)
    {
        var i = days.FindIndex(d => d.Day >= day);
        if (i >= 0 && days[i].Day == day)
        {
            days[i] = days[i] with { SohPct = Math.Min(days[i].SohPct, soh) };
            return;
        }

        days.Insert(i < 0 ? days.Count : i, new SohDay(day, soh));
        if (days.Count > keep)
        {
            days.RemoveRange(0, days.Count - keep);
        }
    }
}
