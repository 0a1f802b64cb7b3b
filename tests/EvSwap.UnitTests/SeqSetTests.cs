using EvSwap.Contracts;

namespace EvSwap.UnitTests;

public class SeqSetTests
{
    [Fact]
    public void Numbers_added_in_any_order_merge_into_one_range_once_the_gaps_fill()
    {
        var set = new SeqSet();
        foreach (var seq in new long[] { 5, 1, 3, 2, 4, 7, 6 })
        {
            Assert.True(set.Add(seq));
        }

        Assert.Equal([new SeqRange(1, 7)], set.Ranges);
        Assert.False(set.Add(4));
        Assert.Equal(7, set.Count);
    }

    [Fact]
    public void A_range_merges_with_every_range_it_overlaps_or_touches()
    {
        var set = new SeqSet();
        set.Add(new SeqRange(1, 2));
        set.Add(new SeqRange(5, 6));
        set.Add(new SeqRange(9, 9));
        set.Add(new SeqRange(3, 8));

        Assert.Equal([new SeqRange(1, 9)], set.Ranges);
    }

    [Fact]
    public void Membership_and_counts_within_a_span_follow_the_gaps()
    {
        var set = new SeqSet();
        set.Add(new SeqRange(10, 20));
        set.Add(new SeqRange(30, 30));

        Assert.True(set.Contains(10));
        Assert.True(set.Contains(30));
        Assert.False(set.Contains(21));
        Assert.False(set.Contains(9));
        Assert.Equal(12, set.CountWithin(10, 30));
        Assert.Equal(6, set.CountWithin(15, 25));
    }

    [Fact]
    public void Trimming_drops_the_lowest_ranges_and_says_up_to_where()
    {
        var set = new SeqSet();
        foreach (var seq in new long[] { 1, 3, 5, 7 })
        {
            set.Add(seq);
        }

        Assert.Equal(3, set.TrimTo(2));
        Assert.Equal([new SeqRange(5, 5), new SeqRange(7, 7)], set.Ranges);
        Assert.Null(set.TrimTo(2));
    }
}
