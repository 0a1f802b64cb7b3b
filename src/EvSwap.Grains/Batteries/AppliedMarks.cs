using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// The events of one station a battery grain applied: the most recent ids, and a floor at or below which every event
/// counts as applied. A station hands an event over again only while it is unconfirmed (seconds to minutes), and a late
/// message is at most a day old, so the remembered ids (<see cref="BatteryOptions.RememberedEventsPerStation"/>, several
/// days of readings and custody changes at the defaults) cover every repeat that can come.
/// </summary>
[GenerateSerializer]
public sealed class AppliedMarks
{
    [Id(0)] public List<EventMark> Recent { get; set; } = [];
    [Id(1)] public EventMark? Floor { get; set; }
    [Id(2)] public DateTimeOffset LastAt { get; set; }

    public bool Contains(EventMark mark) => (Floor is { } floor && mark.CompareTo(floor) <= 0) || Recent.Contains(mark);

    public void Add(EventMark mark, DateTimeOffset at, int limit)
    {
        var i = Recent.BinarySearch(mark);
        Recent.Insert(i < 0 ? ~i : i, mark);
        if (at > LastAt)
        {
            LastAt = at;
        }

        while (Recent.Count > limit)
        {
            Floor = Recent[0];
            Recent.RemoveAt(0);
        }
    }
}

[GenerateSerializer, Immutable]
public readonly record struct EventMark([property: Id(0)] long Boot, [property: Id(1)] long Seq, [property: Id(2)] int Index) : IComparable<EventMark>
{
    public static EventMark Of(BatteryEvent e) => new(e.Boot, e.Seq, e.Index);

    public int CompareTo(EventMark other) =>
        Boot != other.Boot ? Boot.CompareTo(other.Boot) : Seq != other.Seq ? Seq.CompareTo(other.Seq) : Index.CompareTo(other.Index);
}
