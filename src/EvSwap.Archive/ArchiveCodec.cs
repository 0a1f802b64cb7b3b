using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>
/// gzip NDJSON, one line per message: <c>{"receivedAt":"...","payload":{...as received...}}</c>.
/// Accepted payloads are valid JSON and are embedded verbatim; rejected ones may not be JSON, so they are
/// stored as a string. Every line is UTF-8 JSON that Athena, jq and Python read: a payload that would break that
/// is kept as <c>payloadBase64</c> instead, the bytes as received.
/// </summary>
public static class ArchiveCodec
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    // Dead letters are read by people; keep quotes and '<' readable instead of \u0027-escaped.
    private static readonly JsonWriterOptions RejectedWriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] EncodeBatch(IReadOnlyList<BufferedMessage> messages)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new Utf8JsonWriter(gzip, WriterOptions))
        {
            foreach (var m in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("receivedAt", m.ReceivedAt.UtcDateTime);

                // The validator accepted these payloads, and its serializer read every byte as JSON; the text check
                // repeats, cheaply, what JSON syntax does not cover, so no bug upstream writes a line readers refuse.
                if (PayloadText.Check(m.Payload) is null)
                {
                    writer.WritePropertyName("payload");
                    WritePayload(writer, m.Payload);
                }
                else
                {
                    writer.WriteBase64String("payloadBase64", m.Payload);
                }

                writer.WriteEndObject();
                writer.Flush();
                gzip.WriteByte((byte)'\n');
                writer.Reset();
            }
        }

        return output.ToArray();
    }

    public static byte[] EncodeRejected(IReadOnlyList<RejectedMessage> messages)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new Utf8JsonWriter(gzip, RejectedWriterOptions))
        {
            foreach (var m in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("receivedAt", m.ReceivedAt.UtcDateTime);
                writer.WriteString("topic", m.Topic);
                writer.WriteStartArray("reasons");
                foreach (var reason in m.Reasons)
                {
                    writer.WriteStringValue(reason);
                }

                writer.WriteEndArray();
                // Kept as text only when it is text that stays valid if a reader parses it again (jq's fromjson).
                // Topic and reasons need no such care: the writer replaces a lone surrogate in a string with U+FFFD.
                if (Utf8.IsValid(m.Payload) && !PayloadText.HasSurrogateEscape(m.Payload))
                {
                    writer.WriteString("payload", Encoding.UTF8.GetString(m.Payload));
                }
                else
                {
                    writer.WriteBase64String("payloadBase64", m.Payload);
                }

                writer.WriteEndObject();
                writer.Flush();
                gzip.WriteByte((byte)'\n');
                writer.Reset();
            }
        }

        return output.ToArray();
    }

    /// <summary>
    /// Joins batches encoded separately (chunks compressed one after another) into one gzip stream: the same lines,
    /// but compressed together, which finds the repetition across chunks and stores about half.
    /// </summary>
    public static byte[] Recompress(IReadOnlyList<byte[]> chunks)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            foreach (var chunk in chunks)
            {
                using var input = new GZipStream(new MemoryStream(chunk), CompressionMode.Decompress);
                input.CopyTo(gzip);
            }
        }

        return output.ToArray();
    }

    public static List<StoredMessage> DecodeBatch(byte[] content)
    {
        var result = new List<StoredMessage>();
        foreach (var line in Lines(content))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var payload = root.TryGetProperty("payload", out var json)
                ? Encoding.UTF8.GetBytes(json.GetRawText())
                : root.GetProperty("payloadBase64").GetBytesFromBase64();
            result.Add(new StoredMessage(root.GetProperty("receivedAt").GetDateTimeOffset(), payload));
        }

        return result;
    }

    /// <summary>Each line of a rejected-message object as a parsed JSON document (caller disposes).</summary>
    public static List<JsonDocument> DecodeRejected(byte[] content) => Lines(content).Select(l => JsonDocument.Parse(l)).ToList();

    private static IEnumerable<ReadOnlyMemory<byte>> Lines(byte[] content)
    {
        using var input = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        input.CopyTo(plain);
        var all = plain.GetBuffer().AsMemory(0, (int)plain.Length);
        while (all.Length > 0)
        {
            var end = all.Span.IndexOf((byte)'\n');
            var line = end < 0 ? all : all[..end];
            if (line.Length > 0)
            {
                yield return line;
            }

            all = end < 0 ? Memory<byte>.Empty : all[(end + 1)..];
        }
    }

    private static void WritePayload(Utf8JsonWriter writer, byte[] payload)
    {
        // A pretty-printed payload would break the one-line-per-message framing; JSON strings cannot hold raw
        // line breaks, so any line break is whitespace and compacting keeps the content.
        if (payload.AsSpan().IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            writer.WriteRawValue(payload, skipInputValidation: true);
            return;
        }

        using var doc = JsonDocument.Parse(payload);
        doc.RootElement.WriteTo(writer);
    }
}
