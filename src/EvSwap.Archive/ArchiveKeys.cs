using System.Globalization;

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

    public static string Batch(string stationId, DateOnly date, long boot, long firstSeq, long lastSeq) =>
        string.Create(CultureInfo.InvariantCulture, $"{StationDatePrefix(stationId, date)}{boot}-{firstSeq}-{lastSeq}{Extension}");

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

        var numbers = parts[2].Split('-');
        if (numbers.Length != 3
            || !long.TryParse(numbers[0], NumberStyles.None, CultureInfo.InvariantCulture, out var boot)
            || !long.TryParse(numbers[1], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(numbers[2], NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            return false;
        }

        batch = new BatchRef(key, stationId, date, boot, first, last);
        return true;
    }
}
