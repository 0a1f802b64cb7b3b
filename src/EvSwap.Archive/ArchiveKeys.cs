using System.Globalization;
using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>
/// The archive key layout of DESIGN.md. Keys are pure functions of the batch, so a retried write replaces
/// the same object, and Hive-style partitions let Athena prune by station and date.
/// </summary>
public static class ArchiveKeys
{
    public const string TelemetryRoot = "telemetry/v1/";
    public const string RejectedRoot = "rejected/v1/";
    public const string Extension = ".ndjson.gz";

    /// <summary>
    /// <c>{boot}-{first}-{last}</c> for a contiguous batch; one with gaps (late messages went to another batch) adds its
    /// count and a hash of its ranges, <c>{boot}-{first}-{last}-{count}-{hash}</c>, so two batches with the same ends
    /// but different numbers inside can never overwrite each other, and a retry of one batch still hits its own key.
    /// With the station times of its first and last message (by time, to the second), the name ends in
    /// <c>.t{HHmmss}-{HHmmss}</c>: a history query then skips every object outside its time range from the listing,
    /// without reading it. Keys without it (written before) stay valid and are simply read.
    /// </summary>
    public static string Batch(string stationId, DateOnly date, long boot, IReadOnlyList<SeqRange> seqs, StationTimeSpan? times = null)
    {
        var first = seqs[0].From;
        var last = seqs[^1].To;
        var span = times is { } t ? string.Create(CultureInfo.InvariantCulture, $".t{t.Earliest:HHmmss}-{t.Latest:HHmmss}") : "";
        return seqs.Count == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{StationDatePrefix(stationId, date)}{boot}-{first}-{last}{span}{Extension}")
            : string.Create(CultureInfo.InvariantCulture, $"{StationDatePrefix(stationId, date)}{boot}-{first}-{last}-{seqs.Sum(r => r.Count)}-{RangesHash(seqs):x8}{span}{Extension}");
    }

    public static string Batch(string stationId, DateOnly date, long boot, long firstSeq, long lastSeq) =>
        Batch(stationId, date, boot, [new SeqRange(firstSeq, lastSeq)]);

    /// <summary>FNV-1a over the range bounds: stable across processes and versions, unlike string.GetHashCode.</summary>
    private static uint RangesHash(IReadOnlyList<SeqRange> seqs)
    {
        var hash = 2166136261u;
        foreach (var r in seqs)
        {
            hash = Mix(Mix(hash, r.From), r.To);
        }

        return hash;

        static uint Mix(uint hash, long value)
        {
            for (var i = 0; i < 8; i++, value >>= 8)
            {
                hash = (hash ^ (byte)value) * 16777619u;
            }

            return hash;
        }
    }

    /// <summary>Every batch of the station, all dates; the trailing '/' keeps station "a" from listing station "ab".</summary>
    public static string StationPrefix(string stationId) => string.Create(CultureInfo.InvariantCulture, $"{TelemetryRoot}station={stationId}/");

    public static string StationDatePrefix(string stationId, DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"{TelemetryRoot}station={stationId}/date={date:yyyy-MM-dd}/");

    public static string Rejected(string siloId, DateTimeOffset firstReceivedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{RejectedRoot}date={firstReceivedAt.UtcDateTime:yyyy-MM-dd}/{siloId}-{firstReceivedAt.UtcTicks}{Extension}");

    public static string RejectedDatePrefix(DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"{RejectedRoot}date={date:yyyy-MM-dd}/");

    public static bool TryParseBatch(string key, out BatchRef batch)
    {
        batch = null!;
        if (!key.StartsWith(TelemetryRoot + "station=", StringComparison.Ordinal) || !key.EndsWith(Extension, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = key[TelemetryRoot.Length..^Extension.Length].Split('/');
        if (parts.Length != 3 || !parts[1].StartsWith("date=", StringComparison.Ordinal))
        {
            return false;
        }

        var stationId = parts[0]["station=".Length..];
        if (!DateOnly.TryParseExact(parts[1]["date=".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }

        var name = parts[2];
        StationTimeSpan? times = null;
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            if (!TryParseTimes(name[(dot + 1)..], out var span))
            {
                return false;
            }

            times = span;
            name = name[..dot];
        }

        var numbers = name.Split('-');
        if (numbers.Length is not (3 or 5)
            || !long.TryParse(numbers[0], NumberStyles.None, CultureInfo.InvariantCulture, out var boot)
            || !long.TryParse(numbers[1], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(numbers[2], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || last < first)
        {
            return false;
        }

        var count = last - first + 1;
        if (numbers.Length == 5 && (!long.TryParse(numbers[3], NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > last - first + 1))
        {
            return false;
        }

        batch = new BatchRef(key, stationId, date, boot, first, last, count) { Times = times };
        return true;
    }

    private static bool TryParseTimes(string text, out StationTimeSpan span)
    {
        span = default;
        if (text.Length != 14 || text[0] != 't' || text[7] != '-'
            || !TimeOnly.TryParseExact(text.AsSpan(1, 6), "HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var earliest)
            || !TimeOnly.TryParseExact(text.AsSpan(8, 6), "HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var latest)
            || latest < earliest)
        {
            return false;
        }

        span = new StationTimeSpan(earliest, latest);
        return true;
    }
}
