namespace EvSwap.Archive;

/// <summary>
/// Count, min, max, sum and the last value of one series in one time bucket. Stats of disjoint message sets merge
/// exactly (the sum, not the average, is kept), so a bucket built from per-batch summaries equals one built from the raw
/// messages. "Last" is the value of the latest message by (station time, boot, seq), which makes it independent of the
/// order messages or summaries are merged in.
/// </summary>
public struct SeriesStats
{
    public long Count;
    public double Min;
    public double Max;
    public double Sum;
    public double Last;
    public long LastTsMs;
    public long LastBoot;
    public long LastSeq;

    public readonly double Avg => Count == 0 ? double.NaN : Sum / Count;

    public void Add(double value, long tsMs, long boot, long seq)
    {
        if (Count == 0)
        {
            Min = Max = value;
        }
        else
        {
            Min = Math.Min(Min, value);
            Max = Math.Max(Max, value);
        }

        Count++;
        Sum += value;
        if (Count == 1 || (tsMs, boot, seq).CompareTo((LastTsMs, LastBoot, LastSeq)) > 0)
        {
            Last = value;
            LastTsMs = tsMs;
            LastBoot = boot;
            LastSeq = seq;
        }
    }

    public void Merge(in SeriesStats other)
    {
        if (other.Count == 0)
        {
            return;
        }

        if (Count == 0)
        {
            this = other;
            return;
        }

        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        Sum += other.Sum;
        Count += other.Count;
        if ((other.LastTsMs, other.LastBoot, other.LastSeq).CompareTo((LastTsMs, LastBoot, LastSeq)) > 0)
        {
            Last = other.Last;
            LastTsMs = other.LastTsMs;
            LastBoot = other.LastBoot;
            LastSeq = other.LastSeq;
        }
    }
}
