using System.Globalization;

namespace EvSwap.Archive;

/// <summary>
/// Where a batch's series summary lives: <c>series/v1/station={id}/date={d}/{batch name}.json.gz</c>. A root of its own,
/// not beside the raw objects, so the Athena table over <c>telemetry/v1/</c> never reads a summary as telemetry.
/// </summary>
public static class SeriesKeys
{
    public const string Root = "series/v1/";
    public const string Extension = ".json.gz";

    public static string For(string batchKey) =>
        Root + batchKey[ArchiveKeys.TelemetryRoot.Length..^ArchiveKeys.Extension.Length] + Extension;

    public static string StationDatePrefix(string stationId, DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"{Root}station={stationId}/date={date:yyyy-MM-dd}/");
}
