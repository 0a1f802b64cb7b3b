namespace EvSwap.Archive;

/// <summary>
/// The station times (UTC time of day, whole seconds, within the batch's date partition) of a batch's earliest and
/// latest message. Part of the batch key, so a reader can tell from a listing which objects can hold a time range.
/// </summary>
public readonly record struct StationTimeSpan(TimeOnly Earliest, TimeOnly Latest)
{
    public static StationTimeSpan Of(DateTimeOffset earliest, DateTimeOffset latest) => new(Second(earliest), Second(latest));

    /// <summary>Whether a message of this batch (on <paramref name="date"/>) can have a station time in [from, to].</summary>
    public bool MayOverlap(DateOnly date, DateTimeOffset from, DateTimeOffset to)
    {
        // Times are cut to the second, so the batch may hold messages up to a second after Latest.
        var start = new DateTimeOffset(date.ToDateTime(Earliest, DateTimeKind.Utc));
        var end = new DateTimeOffset(date.ToDateTime(Latest, DateTimeKind.Utc)).AddSeconds(1);
        return start <= to && end > from;
    }

    private static TimeOnly Second(DateTimeOffset ts)
    {
        var time = TimeOnly.FromDateTime(ts.UtcDateTime);
        return new TimeOnly(time.Hour, time.Minute, time.Second);
    }
}
