using EvSwap.Contracts;

namespace EvSwap.Simulator.Tests;

/// <summary>
/// The --verify comparisons on one station that published seq 0, 1, 2 (boot 7), seq 1 late and carrying a swap and a
/// fault: the case a platform that treats "lower than the newest" as a duplicate gets wrong.
/// </summary>
public class StationCheckTests
{
    private const string Id = "st-a";

    private static TelemetryMessage Message(long seq, int swaps = 0, int faults = 0) => new()
    {
        StationId = Id,
        Boot = 7,
        Seq = seq,
        Events = swaps + faults == 0 ? null :
        [
            .. Enumerable.Repeat(new StationEvent { Type = EventTypes.Swap }, swaps),
            .. Enumerable.Repeat(new StationEvent { Type = EventTypes.Fault }, faults),
        ],
    };

    /// <summary>Produces seq 0-2, publishes 0, 2, then 1 late, each acknowledged unless listed in <paramref name="unacknowledged"/>.</summary>
    private static StationTally Tally(params long[] unacknowledged)
    {
        var tally = new StationTally(7);
        var messages = new[] { Message(0), Message(1, swaps: 1, faults: 1), Message(2) };
        foreach (var m in messages)
        {
            tally.Produced(m);
        }

        foreach (var (m, late) in new[] { (messages[0], false), (messages[2], false), (messages[1], true) })
        {
            tally.Published(new Delivery(m, [], 0, IsCopy: false, IsLate: late));
            if (!unacknowledged.Contains(m.Seq))
            {
                tally.Acknowledged(m.Boot, m.Seq);
            }
        }

        return tally;
    }

    private static PlatformCounters Platform(long seq = 2, long messages = 3, long duplicates = 0, long swaps = 1, long faults = 1) =>
        new(true, 7, seq, messages, duplicates, swaps, faults);

    private static List<string> Check(StationTally tally, PlatformCounters after, params (long, long)[] history)
    {
        var problems = new List<string>();
        var e = tally.Expect();
        StationCheck.Counters(Id, e, PlatformCounters.None, after, problems);
        StationCheck.History(Id, e, history, problems);
        return problems;
    }

    [Fact]
    public void A_platform_that_archived_and_counted_the_late_message_once_matches()
    {
        Assert.Empty(Check(Tally(), Platform(), (7, 0), (7, 1), (7, 2)));
    }

    [Fact]
    public void A_late_message_taken_for_a_duplicate_shows_as_missing_history_and_uncounted_events()
    {
        var problems = Check(Tally(), Platform(messages: 2, duplicates: 1, swaps: 0, faults: 0), (7, 0), (7, 2));

        Assert.Equal(
        [
            "st-a: 2 distinct messages counted, 3 published",
            "st-a: 1 duplicates counted, 0 redelivered copies published",
            "st-a: 0 swaps counted, 1 published",
            "st-a: 0 faults counted, 1 published",
            "st-a: history misses acknowledged messages: 1 of 3 (carrying 1 swap and 1 fault), e.g. (7, 1) with 1 swap and 1 fault",
        ], problems);
    }

    [Fact]
    public void A_message_archived_twice_is_a_difference()
    {
        var problems = Check(Tally(), Platform(), (7, 0), (7, 1), (7, 1), (7, 2));

        Assert.Equal(["st-a: history holds messages more than once: 1, e.g. (7, 1) x2"], problems);
    }

    [Fact]
    public void History_out_of_boot_seq_order_is_a_difference()
    {
        var problems = Check(Tally(), Platform(), (7, 0), (7, 2), (7, 1));

        Assert.Equal(["st-a: history not in (boot, seq) order: (7, 1) after (7, 2)"], problems);
    }

    [Fact]
    public void A_live_view_rolled_back_to_the_late_message_is_a_difference()
    {
        var problems = Check(Tally(), Platform(seq: 1), (7, 0), (7, 1), (7, 2));

        Assert.Equal(["st-a: live view at (7, 1), newest published (7, 2)"], problems);
    }

    [Fact]
    public void A_message_of_the_runs_boot_that_was_never_published_is_a_difference_but_an_older_boots_is_not()
    {
        var problems = Check(Tally(), Platform(), (6, 40), (7, 0), (7, 1), (7, 2), (7, 3));

        Assert.Equal(["st-a: history holds messages never published: 1, e.g. (7, 3)"], problems);
    }

    [Fact]
    public void Redelivered_copies_must_be_counted_as_duplicates()
    {
        var tally = Tally();
        tally.Published(new Delivery(Message(2), [], 1, IsCopy: true, IsLate: false));
        tally.Acknowledged(7, 2);

        Assert.Empty(Check(tally, Platform(duplicates: 1), (7, 0), (7, 1), (7, 2)));
        Assert.Equal(["st-a: 0 duplicates counted, 1 redelivered copies published"], Check(tally, Platform(duplicates: 0), (7, 0), (7, 1), (7, 2)));
    }

    [Fact]
    public void An_unacknowledged_message_is_not_owed_but_may_arrive_once()
    {
        var tally = Tally(unacknowledged: 1);

        Assert.Empty(Check(tally, Platform(messages: 2, swaps: 0, faults: 0), (7, 0), (7, 2)));
        Assert.Empty(Check(tally, Platform(), (7, 0), (7, 1), (7, 2)));
        Assert.Equal(["st-a: 2 swaps counted, 0-1 (some publishes unacknowledged) published"], Check(tally, Platform(swaps: 2), (7, 0), (7, 1), (7, 2)));
        Assert.Contains("st-a: history holds messages more than once: 1, e.g. (7, 1) x2", Check(tally, Platform(), (7, 0), (7, 1), (7, 1), (7, 2)));
    }

    [Fact]
    public void The_live_view_may_be_an_unacknowledged_newest_message_but_no_older_than_the_newest_acknowledged()
    {
        var tally = Tally(unacknowledged: 2);

        Assert.Empty(Check(tally, Platform(seq: 2), (7, 0), (7, 1), (7, 2)));
        Assert.Empty(Check(tally, Platform(seq: 1, messages: 2), (7, 0), (7, 1)));
        Assert.Equal(["st-a: live view at (7, 0), newest acknowledged (7, 1), newest published (7, 2)"], Check(tally, Platform(seq: 0, messages: 2), (7, 0), (7, 1)));
    }

    [Fact]
    public void A_station_missing_from_the_platform_is_a_difference()
    {
        var problems = new List<string>();
        StationCheck.Counters(Id, Tally().Expect(), PlatformCounters.None, PlatformCounters.None, problems);

        Assert.Equal(["st-a: not found (404) after 3 acknowledged messages"], problems);
    }

    [Fact]
    public void Counters_are_compared_as_growth_during_the_run()
    {
        var problems = new List<string>();
        var before = new PlatformCounters(true, 6, 90, 100, 5, 10, 2);
        StationCheck.Counters(Id, Tally().Expect(), before, Platform(messages: 103, duplicates: 5, swaps: 11, faults: 3), problems);

        Assert.Empty(problems);
    }

    [Fact]
    public void Differences_are_grouped_by_kind_whatever_the_station_and_the_numbers()
    {
        var problems = new List<string>();
        StationCheck.Counters("st-a", Tally().Expect(), PlatformCounters.None, Platform(messages: 2, swaps: 0, faults: 0), problems);
        StationCheck.History("st-a", Tally().Expect(), [(7, 0), (7, 2)], problems);
        StationCheck.Counters("st-b", Tally(unacknowledged: 1).Expect(), PlatformCounters.None, Platform(messages: 1, swaps: 3), problems);
        problems.Add("fleet list is missing 2 stations, e.g. st-a, st-b");

        Assert.Equal(
        [
            ("N distinct messages counted, N published", 2),
            ("N swaps counted, N published", 2),
            ("N faults counted, N published", 1),
            ("fleet list is missing N stations", 1),
            ("history misses acknowledged messages: N of N", 1),
        ], Verifier.Kinds(problems));
    }
}
