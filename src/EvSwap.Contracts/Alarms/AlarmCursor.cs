namespace EvSwap.Contracts;

/// <summary>A position in the alarm order (raised time descending, then id).</summary>
[GenerateSerializer, Immutable]
public sealed record AlarmCursor(
    [property: Id(0)] DateTimeOffset RaisedAt,
    [property: Id(1)] string Id)
{
    /// <summary>True when <paramref name="alarm"/> comes after this position in the listing order.</summary>
    public bool Precedes(Alarm alarm) => alarm.RaisedAt < RaisedAt || (alarm.RaisedAt == RaisedAt && string.CompareOrdinal(alarm.Id, Id) > 0);

    public static int Compare(Alarm a, Alarm b)
    {
        var byTime = b.RaisedAt.CompareTo(a.RaisedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    }
}
