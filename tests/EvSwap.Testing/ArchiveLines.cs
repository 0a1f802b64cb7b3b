using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace EvSwap.Testing;

/// <summary>
/// Reads archive objects the way their strictest readers do, independently of the codec that wrote them: every line
/// must decode as UTF-8 without replacement, parse as JSON, and hold only strings that are Unicode text and integers
/// Python converts. <see cref="JsonDocument"/> alone checks neither strings nor numbers.
/// </summary>
public static class ArchiveLines
{
    // Python's json module refuses integers longer than this (sys.get_int_max_str_digits()).
    private const int PythonMaxIntDigits = 4300;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Every line of one gzip NDJSON object, each checked; throws <see cref="InvalidDataException"/> naming the first bad line.</summary>
    public static List<string> Read(byte[] gzipObject, string name = "object")
    {
        using var input = new GZipStream(new MemoryStream(gzipObject), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        input.CopyTo(plain);
        var lines = new List<string>();
        var number = 0;
        foreach (var line in Split(plain.ToArray()))
        {
            number++;
            try
            {
                var text = StrictUtf8.GetString(line);
                using var doc = JsonDocument.Parse(text);
                CheckValues(doc.RootElement);
                lines.Add(text);
            }
            catch (Exception ex) when (ex is DecoderFallbackException or JsonException or InvalidOperationException or InvalidDataException)
            {
                throw new InvalidDataException($"{name} line {number} is not readable: {ex.Message}", ex);
            }
        }

        return lines;
    }

    /// <summary>Every line of every <c>.ndjson.gz</c> object under <paramref name="directory"/>, each checked.</summary>
    public static List<string> ReadAll(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*.ndjson.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .SelectMany(f => Read(File.ReadAllBytes(f), Path.GetRelativePath(directory, f)))];

    /// <summary>
    /// The same objects read by Python's json module and by jq, when they are installed: null when both read every
    /// line, the first complaint otherwise. Python keeps lone surrogates, so each value is also encoded back to UTF-8.
    /// </summary>
    public static async Task<string?> CheckWithPythonAndJqAsync(string directory)
    {
        var files = Directory.EnumerateFiles(directory, "*.ndjson.gz", SearchOption.AllDirectories).ToList();
        const string script = """
            import gzip, json, sys
            for path in sys.argv[1:]:
                with gzip.open(path, "rb") as f:
                    for number, line in enumerate(f, 1):
                        try:
                            json.dumps(json.loads(line.decode("utf-8")), ensure_ascii=False).encode("utf-8")
                        except Exception as e:
                            print(f"{path} line {number}: {e}")
                            sys.exit(1)
            """;
        if (await RunIfInstalledAsync("python3", ["-c", script, .. files]) is { } python)
        {
            return "python3: " + python;
        }

        foreach (var file in files)
        {
            // jq reads the lines one after another as a stream of JSON texts.
            using var input = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            await input.CopyToAsync(plain);
            if (await RunIfInstalledAsync("jq", ["-c", "."], plain.ToArray()) is { } jq)
            {
                return $"jq, {file}: {jq}";
            }
        }

        return null;
    }

    private static void CheckValues(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    // Name and GetString unescape, and throw on an escaped lone surrogate.
                    _ = property.Name;
                    CheckValues(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CheckValues(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && raw.TrimStart('-').Length > PythonMaxIntDigits)
                {
                    throw new InvalidDataException($"an integer of {raw.Length} digits, more than Python reads");
                }

                break;
        }
    }

    private static IEnumerable<byte[]> Split(byte[] all)
    {
        var start = 0;
        while (start < all.Length)
        {
            var end = Array.IndexOf(all, (byte)'\n', start);
            if (end < 0)
            {
                end = all.Length;
            }

            if (end > start)
            {
                yield return all[start..end];
            }

            start = end + 1;
        }
    }

    private static async Task<string?> RunIfInstalledAsync(string tool, IEnumerable<string> arguments, byte[]? stdin = null)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(stdin);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? null : $"exit {process.ExitCode}: {await output}{await error}".Trim();
        }
    }
}
