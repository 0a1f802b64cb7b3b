using System.IO.Compression;
using System.Text.Json;

namespace EvSwap.Archive;

/// <summary>gzip JSON of a <see cref="SeriesSummary"/>.</summary>
public static class SeriesCodec
{
    public static byte[] Encode(SeriesSummary summary)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, summary, SeriesJsonContext.Default.SeriesSummary);
        }

        return output.ToArray();
    }

    public static SeriesSummary? Decode(byte[] content)
    {
        using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        var summary = JsonSerializer.Deserialize(gzip, SeriesJsonContext.Default.SeriesSummary);
        // A summary of a version this code does not know is read as absent: the raw batch is read instead.
        return summary is { Version: SeriesSummary.CurrentVersion } ? summary : null;
    }
}
