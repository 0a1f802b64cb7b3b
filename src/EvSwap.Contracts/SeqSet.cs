namespace EvSwap.Contracts;

/// <summary>
/// A set of sequence numbers held as sorted, disjoint, non-adjacent ranges. A station numbers its messages without
/// gaps, so a set of what it sent is almost always one range, whatever order the messages came in: two longs, where
/// a bitmap or a hash set would grow with every message.
/// </summary>
[GenerateSerializer]
public sealed class SeqSet
{
    [Id(0)] public List<SeqRange> Ranges { get; set; } = [];

    public bool IsEmpty => Ranges.Count == 0;

    public long Min => Ranges[0].From;

    public long Max => Ranges[^1].To;

    public long Count
    {
        get
        {
            long n = 0;
            foreach (var r in Ranges)
            {
                n += r.Count;
            }

            return n;
        }
    }

    public bool Contains(long seq) => IndexOfRangeAtOrAfter(seq) is var i && i < Ranges.Count && Ranges[i].Contains(seq);

    /// <summary>Adds one number; false when it was already in the set.</summary>
    public bool Add(long seq)
    {
        if (Contains(seq))
        {
            return false;
        }

        Add(new SeqRange(seq, seq));
        return true;
    }

    /// <summary>Adds every number of the range, merging it with the ranges it overlaps or touches.</summary>
    public void Add(SeqRange range)
    {
        // The usual case by far: the next number, or a range that continues the last one.
        if (Ranges.Count > 0 && range.From >= Ranges[^1].From && range.From <= Ranges[^1].To + 1)
        {
            Ranges[^1] = Ranges[^1] with { To = Math.Max(Ranges[^1].To, range.To) };
            return;
        }

        var from = range.From;
        var to = range.To;
        var first = IndexOfRangeAtOrAfter(from - 1);
        var last = first;
        while (last < Ranges.Count && Ranges[last].From <= to + 1)
        {
            from = Math.Min(from, Ranges[last].From);
            to = Math.Max(to, Ranges[last].To);
            last++;
        }

        Ranges.RemoveRange(first, last - first);
        Ranges.Insert(first, new SeqRange(from, to));
    }

    public void AddAll(SeqSet other)
    {
        foreach (var r in other.Ranges)
        {
            Add(r);
        }
    }

    /// <summary>How many numbers of [from, to] the set holds.</summary>
    public long CountWithin(long from, long to)
    {
        long n = 0;
        foreach (var r in Ranges)
        {
            var lo = Math.Max(r.From, from);
            var hi = Math.Min(r.To, to);
            if (lo <= hi)
            {
                n += hi - lo + 1;
            }
        }

        return n;
    }

    /// <summary>Drops the lowest ranges while more than <paramref name="maxRanges"/> remain; returns the highest number dropped, or null.</summary>
    public long? TrimTo(int maxRanges)
    {
        if (Ranges.Count <= maxRanges)
        {
            return null;
        }

        var drop = Ranges.Count - maxRanges;
        var highest = Ranges[drop - 1].To;
        Ranges.RemoveRange(0, drop);
        return highest;
    }

    /// <summary>Drops every range that ends at or below <paramref name="seq"/>.</summary>
    public void RemoveRangesEndingAtOrBelow(long seq)
    {
        var n = 0;
        while (n < Ranges.Count && Ranges[n].To <= seq)
        {
            n++;
        }

        Ranges.RemoveRange(0, n);
    }

    public override string ToString() => string.Join(",", Ranges.Select(r => r.From == r.To ? $"{r.From}" : $"{r.From}-{r.To}"));

    /// <summary>The first range whose end is at or after <paramref name="seq"/> (Ranges.Count when none).</summary>
    private int IndexOfRangeAtOrAfter(long seq)
    {
        int lo = 0, hi = Ranges.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Ranges[mid].To < seq)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
