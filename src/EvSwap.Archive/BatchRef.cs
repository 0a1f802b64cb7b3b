namespace EvSwap.Archive;

/// <summary>What an archive key says about the batch inside, so reads can pick objects without opening them.</summary>
/// <param name="FirstSeq">The lowest sequence number inside.</param>
/// <param name="LastSeq">The highest sequence number inside.</param>
/// <param name="Count">How many messages: LastSeq - FirstSeq + 1 unless late messages left gaps.</param>
public sealed record BatchRef(string Key, string StationId, DateOnly Date, long Boot, long FirstSeq, long LastSeq, long Count)
{
    /// <summary>Station times of its earliest and latest message, when the key has them.</summary>
    public StationTimeSpan? Times { get; init; }

    /// <summary>Whether the batch can hold a message with a station time in [from, to]; unknown times say yes.</summary>
    public bool MayOverlap(DateTimeOffset from, DateTimeOffset to) => Times is not { } t || t.MayOverlap(Date, from, to);
}
