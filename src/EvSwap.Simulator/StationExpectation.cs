namespace EvSwap.Simulator;

/// <summary>
/// What the platform must show for one station after a run. A message the broker acknowledged is owed: it must be
/// archived exactly once and its events counted exactly once. A message published but never acknowledged may or may
/// not have arrived, so it widens each expectation into a range instead of being guessed either way.
/// </summary>
public sealed class StationExpectation
{
    private readonly Dictionary<(long Boot, long Seq), Message> _messages = [];

    /// <summary>One published (boot, seq): owed or only possible, and the events it carries.</summary>
    public readonly record struct Message(bool Owed, int Swaps, int Faults);

    public IReadOnlyDictionary<(long Boot, long Seq), Message> Messages => _messages;

    public long OwedMessages { get; private set; }
    public long UnsureMessages { get; private set; }
    public long OwedSwaps { get; private set; }
    public long UnsureSwaps { get; private set; }
    public long OwedFaults { get; private set; }
    public long UnsureFaults { get; private set; }

    /// <summary>Fewest duplicates the platform can have counted: acknowledged copies beyond the first of each message.</summary>
    public long MinDuplicates { get; private set; }

    /// <summary>Most duplicates it can have counted: every published copy beyond the first.</summary>
    public long MaxDuplicates { get; private set; }

    /// <summary>The newest acknowledged (boot, seq): the live view can be no older.</summary>
    public (long Boot, long Seq)? NewestOwed { get; private set; }

    /// <summary>The newest published (boot, seq): the live view can be no newer.</summary>
    public (long Boot, long Seq)? NewestPublished { get; private set; }

    public void Add((long Boot, long Seq) key, int published, int acknowledged, int swaps, int faults)
    {
        if (published == 0)
        {
            return; // never left the simulator (the run was cancelled while it waited for a free in-flight slot)
        }

        var owed = acknowledged > 0;
        _messages[key] = new Message(owed, swaps, faults);
        if (owed)
        {
            OwedMessages++;
            OwedSwaps += swaps;
            OwedFaults += faults;
            NewestOwed = Max(NewestOwed, key);
        }
        else
        {
            UnsureMessages++;
            UnsureSwaps += swaps;
            UnsureFaults += faults;
        }

        MinDuplicates += Math.Max(0, acknowledged - 1);
        MaxDuplicates += published - 1;
        NewestPublished = Max(NewestPublished, key);
    }

    private static (long, long) Max((long, long)? a, (long, long) b) => a is { } x && x.CompareTo(b) > 0 ? x : b;
}
