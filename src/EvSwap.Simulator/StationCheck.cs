using System.Globalization;

namespace EvSwap.Simulator;

/// <summary>
/// The comparisons behind --verify for one station, free of HTTP so they are unit-tested directly. Each adds a
/// readable line per difference; an empty list means the platform matches what was published.
/// </summary>
public static class StationCheck
{
    /// <summary>Live view and counters (as differences from <paramref name="before"/> the run) against the expectation.</summary>
    public static void Counters(string id, StationExpectation e, PlatformCounters before, PlatformCounters after, List<string> problems)
    {
        if (e.Messages.Count == 0)
        {
            return;
        }

        if (!after.Exists)
        {
            if (e.OwedMessages > 0)
            {
                problems.Add($"{id}: not found (404) after {e.OwedMessages} acknowledged messages");
            }

            return;
        }

        // The live view is the newest snapshot, however late older ones arrived: never rolled back, never ahead of what was sent.
        var view = (after.Boot, after.Seq);
        if (e.NewestOwed is { } owed && (view.CompareTo(owed) < 0 || view.CompareTo(e.NewestPublished!.Value) > 0 || !e.Messages.ContainsKey(view)))
        {
            var newest = e.NewestPublished == owed ? $"newest published {Key(owed)}" : $"newest acknowledged {Key(owed)}, newest published {Key(e.NewestPublished!.Value)}";
            problems.Add($"{id}: live view at {Key(view)}, {newest}");
        }

        InRange(problems, id, after.Messages - before.Messages, e.OwedMessages, e.OwedMessages + e.UnsureMessages, "distinct messages counted", "published");
        InRange(problems, id, after.Duplicates - before.Duplicates, e.MinDuplicates, e.MaxDuplicates, "duplicates counted", "redelivered copies published");
        InRange(problems, id, after.Swaps - before.Swaps, e.OwedSwaps, e.OwedSwaps + e.UnsureSwaps, "swaps counted", "published");
        InRange(problems, id, after.Faults - before.Faults, e.OwedFaults, e.OwedFaults + e.UnsureFaults, "faults counted", "published");
    }

    /// <summary>
    /// The station's history since the run started, as the API returned it page by page: every acknowledged (boot, seq)
    /// exactly once, nothing twice, nothing this run never published, in (boot, seq) order.
    /// </summary>
    public static void History(string id, StationExpectation e, IReadOnlyList<(long Boot, long Seq)> seen, List<string> problems)
    {
        var counts = new Dictionary<(long, long), int>();
        var outOfOrder = (Before: ((long, long)?)null, At: ((long, long)?)null);
        for (var i = 0; i < seen.Count; i++)
        {
            counts[seen[i]] = counts.GetValueOrDefault(seen[i]) + 1;
            if (i > 0 && outOfOrder.At is null && seen[i].CompareTo(seen[i - 1]) < 0)
            {
                outOfOrder = (seen[i - 1], seen[i]);
            }
        }

        var twice = counts.Where(c => c.Value > 1).OrderBy(c => c.Key).ToList();
        if (twice.Count > 0)
        {
            problems.Add($"{id}: history holds messages more than once: {twice.Count}, e.g. {string.Join(", ", twice.Take(3).Select(c => $"{Key(c.Key)} x{c.Value}"))}");
        }

        if (outOfOrder.At is { } at)
        {
            problems.Add($"{id}: history not in (boot, seq) order: {Key(at)} after {Key(outOfOrder.Before!.Value)}");
        }

        // Only this run's boots: a platform that knew the station before may hold older messages in the time range.
        var boots = e.Messages.Keys.Select(k => k.Boot).ToHashSet();
        var unknown = counts.Keys.Where(k => boots.Contains(k.Item1) && !e.Messages.ContainsKey(k)).Order().ToList();
        if (unknown.Count > 0)
        {
            problems.Add($"{id}: history holds messages never published: {unknown.Count}, e.g. {string.Join(", ", unknown.Take(3).Select(Key))}");
        }

        var missing = e.Messages.Where(m => m.Value.Owed && !counts.ContainsKey(m.Key)).OrderBy(m => m.Key).ToList();
        if (missing.Count > 0)
        {
            var swaps = missing.Sum(m => m.Value.Swaps);
            var faults = missing.Sum(m => m.Value.Faults);
            problems.Add($"{id}: history misses acknowledged messages: {missing.Count} of {e.OwedMessages} (carrying {Plural(swaps, "swap")} and {Plural(faults, "fault")}), e.g. {string.Join(", ", missing.Take(3).Select(m => Key(m.Key) + Events(m.Value)))}");
        }
    }

    private static void InRange(List<string> problems, string id, long actual, long min, long max, string counted, string published)
    {
        if (actual < min || actual > max)
        {
            var expected = min == max ? min.ToString(CultureInfo.InvariantCulture) : $"{min}-{max} (some publishes unacknowledged)";
            problems.Add($"{id}: {actual} {counted}, {expected} {published}");
        }
    }

    private static string Key((long Boot, long Seq) key) => $"({key.Boot}, {key.Seq})";

    private static string Events(StationExpectation.Message m) => (m.Swaps, m.Faults) switch
    {
        (0, 0) => "",
        (_, 0) => $" with {Plural(m.Swaps, "swap")}",
        (0, _) => $" with {Plural(m.Faults, "fault")}",
        _ => $" with {Plural(m.Swaps, "swap")} and {Plural(m.Faults, "fault")}",
    };

    private static string Plural(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
