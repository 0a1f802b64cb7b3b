using EvSwap.Contracts;

namespace EvSwap.Simulator;

/// <summary>
/// What one station published in a run, message by message: each (boot, seq) with its swaps and faults, how many
/// copies went out and how many the broker acknowledged. --verify holds the platform to exactly this.
/// </summary>
/// <remarks>
/// A few bytes per message in arrays per boot (seq is dense within a boot), not an object per message: a benchmark
/// publishes millions. PUBACKs arrive on other threads, so every member takes the tally's lock.
/// </remarks>
public sealed class StationTally
{
    private readonly List<Segment> _segments = [];
    private readonly Lock _gate = new();

    /// <summary>Boot of the newest message the station produced.</summary>
    public long Boot { get; private set; }

    /// <summary>Seq of the newest message the station produced (-1 before the first).</summary>
    public long LastSeq { get; private set; } = -1;

    /// <summary>Distinct (boot, seq) the station produced; each is published once or more before the run ends.</summary>
    public long Messages { get; private set; }

    public long Swaps { get; private set; }
    public long Faults { get; private set; }

    /// <summary>Extra copies published (injected redeliveries).</summary>
    public long Copies { get; private set; }

    /// <summary>Messages published after a newer message of the station (injected reordering).</summary>
    public long Late { get; private set; }

    /// <summary>The batteries in the station's slots in its newest produced snapshot: where --verify expects them.</summary>
    public IReadOnlyList<(int Slot, string BatteryId)> LatestBatteries { get; private set; } = [];

    public StationTally(long boot) => Boot = boot;

    /// <summary>Records a message the station produced, before it is scheduled.</summary>
    public void Produced(TelemetryMessage message)
    {
        int swaps = 0, faults = 0;
        foreach (var e in message.Events ?? [])
        {
            swaps += e.Type == EventTypes.Swap ? 1 : 0;
            faults += e.Type == EventTypes.Fault ? 1 : 0;
        }

        lock (_gate)
        {
            var segment = _segments.Count > 0 && _segments[^1].Boot == message.Boot && _segments[^1].NextSeq == message.Seq
                ? _segments[^1]
                : AddSegment(message.Boot, message.Seq);
            segment.Append(new Entry { Swaps = checked((ushort)swaps), Faults = checked((ushort)faults) });
            (Boot, LastSeq) = (message.Boot, message.Seq);
            LatestBatteries = [.. (message.Slots ?? []).Where(x => !string.IsNullOrEmpty(x.BatteryId)).Select(x => (x.Slot, x.BatteryId!))];
            Messages++;
            Swaps += swaps;
            Faults += faults;
        }
    }

    /// <summary>Records one publish of a produced message, before it is handed to the client.</summary>
    public void Published(Delivery delivery)
    {
        lock (_gate)
        {
            Find(delivery.Message.Boot, delivery.Message.Seq).Published++;
            Copies += delivery.IsCopy ? 1 : 0;
            Late += delivery.IsLate && !delivery.IsCopy ? 1 : 0;
        }
    }

    /// <summary>The broker acknowledged one publish (QoS 1 PUBACK): from then on the platform owes that message.</summary>
    public void Acknowledged(long boot, long seq)
    {
        lock (_gate)
        {
            Find(boot, seq).Acknowledged++;
        }
    }

    /// <summary>What the platform must show for this station, given which publishes the broker acknowledged.</summary>
    public StationExpectation Expect()
    {
        var e = new StationExpectation();
        lock (_gate)
        {
            foreach (var segment in _segments)
            {
                for (var i = 0; i < segment.Count; i++)
                {
                    e.Add((segment.Boot, segment.FirstSeq + i), segment.Items[i].Published, segment.Items[i].Acknowledged, segment.Items[i].Swaps, segment.Items[i].Faults);
                }
            }
        }

        return e;
    }

    private Segment AddSegment(long boot, long firstSeq)
    {
        // A produced (boot, seq) is never produced again: a station's seq only grows within a boot.
        if (_segments.Exists(s => s.Boot == boot && firstSeq < s.NextSeq && firstSeq >= s.FirstSeq))
        {
            throw new InvalidOperationException($"({boot}, {firstSeq}) was produced twice.");
        }

        var segment = new Segment(boot, firstSeq);
        _segments.Add(segment);
        return segment;
    }

    private ref Entry Find(long boot, long seq)
    {
        // Newest first: a publish or PUBACK is almost always for one of the last few messages.
        for (var i = _segments.Count - 1; i >= 0; i--)
        {
            var s = _segments[i];
            if (s.Boot == boot && seq >= s.FirstSeq && seq < s.NextSeq)
            {
                return ref s.Items[seq - s.FirstSeq];
            }
        }

        throw new InvalidOperationException($"({boot}, {seq}) was published but never produced.");
    }

    private struct Entry
    {
        public byte Published;
        public byte Acknowledged;
        public ushort Swaps;
        public ushort Faults;
    }

    private sealed class Segment(long boot, long firstSeq)
    {
        public long Boot { get; } = boot;
        public long FirstSeq { get; } = firstSeq;
        public Entry[] Items { get; private set; } = new Entry[16];
        public int Count { get; private set; }
        public long NextSeq => FirstSeq + Count;

        public void Append(Entry entry)
        {
            if (Count == Items.Length)
            {
                var grown = new Entry[Items.Length * 2];
                Items.CopyTo(grown, 0);
                Items = grown;
            }

            Items[Count++] = entry;
        }
    }
}
