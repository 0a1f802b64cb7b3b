using System.Buffers;
using System.Runtime.Intrinsics;
using System.Text.Json;
using System.Text.Unicode;

namespace EvSwap.Contracts;

/// <summary>
/// Whether a payload is text that every reader of the archive takes as it is: Athena, jq and Python, not only
/// System.Text.Json. JSON syntax does not promise that. The serializer never decodes the strings of properties it
/// skips, so bytes that are not UTF-8 pass it there; an escaped lone UTF-16 surrogate (<c>"\ud800"</c>) is valid
/// syntax that jq and strict decoders refuse; and Python refuses integers of more than 4300 digits.
/// </summary>
public static class PayloadText
{
    /// <summary>
    /// The longest number token accepted. A double printed to round-trip needs at most 24 characters; the margin is
    /// for firmware that prints more digits than it has.
    /// </summary>
    public const int MaxNumberLength = 100;

    private const int StackChars = 512;

    /// <summary>The first reason the payload is not text every reader takes, or null when it is (or is not JSON at all).</summary>
    /// <remarks>
    /// An ordinary message costs three vectorised scans: UTF-8 validation, <c>\u</c> escapes of surrogates, long runs
    /// of digits. Only a payload that has either of the last two is read token by token. Syntax errors are left to the
    /// serializer, which reports them with a better message.
    /// </remarks>
    public static ValidationFailure? Check(ReadOnlySpan<byte> payload)
    {
        if (!Utf8.IsValid(payload))
        {
            return new(RejectReason.InvalidUtf8, $"payload is not UTF-8: invalid byte sequence at byte {FirstInvalidUtf8(payload)}");
        }

        if (!HasSurrogateEscape(payload) && !HasLongDigitRun(payload))
        {
            return null;
        }

        return CheckTokens(payload);
    }

    /// <summary>
    /// True when the text holds what reads as a <c>\u</c> escape of a UTF-16 surrogate, paired or not, without parsing
    /// it: also after an escaped backslash, and in text that is not JSON. A vectorised search for <c>\u</c>, so cheap
    /// enough to decide whether a payload needs reading token by token, and for dead letters (possibly not JSON) whether
    /// a reader that parses them again could meet a lone surrogate.
    /// </summary>
    public static bool HasSurrogateEscape(ReadOnlySpan<byte> text)
    {
        for (var at = text.IndexOf("\\u"u8); at >= 0; at = NextEscape(text, at))
        {
            // \uD800-\uDFFF: 'd' or 'D', then 8-9 or a-f.
            if (at + 4 <= text.Length && (text[at + 2] | 0x20) == 'd' && IsSurrogateSecondDigit(text[at + 3]))
            {
                return true;
            }
        }

        return false;

        static int NextEscape(ReadOnlySpan<byte> text, int at)
        {
            var next = text[(at + 2)..].IndexOf("\\u"u8);
            return next < 0 ? -1 : at + 2 + next;
        }

        static bool IsSurrogateSecondDigit(byte b) => b is (byte)'8' or (byte)'9' || (b | 0x20) is >= (byte)'a' and <= (byte)'f';
    }

    private static ValidationFailure? CheckTokens(ReadOnlySpan<byte> payload)
    {
        Span<char> stack = stackalloc char[StackChars];
        char[]? rented = null;
        var reader = new Utf8JsonReader(payload);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && !Unescapes(ref reader, stack, ref rented))
                {
                    return new(RejectReason.LoneSurrogate, $"the string at byte {reader.TokenStartIndex} escapes a lone UTF-16 surrogate (such as \\ud800 without the \\udc00-\\udfff after it), which is not Unicode text");
                }

                if (reader.TokenType == JsonTokenType.Number && reader.ValueSpan.Length > MaxNumberLength)
                {
                    return new(RejectReason.OutOfRange, $"the number at byte {reader.TokenStartIndex} has {reader.ValueSpan.Length} characters, more than {MaxNumberLength}");
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the serializer says so.
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }

        return null;
    }

    // The reader's own unescaping decides: it refuses exactly the escapes that are not Unicode text. It reports that
    // by throwing, which only poison pays for.
    private static bool Unescapes(ref Utf8JsonReader reader, scoped Span<char> stack, ref char[]? rented)
    {
        // Unescaped text never has more UTF-16 characters than its escaped form has bytes.
        var length = reader.ValueSpan.Length;
        var buffer = stack;
        if (length > stack.Length)
        {
            if (rented is null || rented.Length < length)
            {
                if (rented is not null)
                {
                    ArrayPool<char>.Shared.Return(rented);
                }

                rented = ArrayPool<char>.Shared.Rent(length);
            }

            buffer = rented;
        }

        try
        {
            reader.CopyString(buffer);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // Every number token longer than MaxNumberLength has a run of at least 33 digits (at most four of its characters
    // are not digits: sign, point, 'e' and the exponent's sign), and a run of 31 or more always covers a whole aligned
    // 16-byte block. Testing blocks finds every such number without reading the payload token by token.
    private static bool HasLongDigitRun(ReadOnlySpan<byte> payload)
    {
        var zero = Vector128.Create((byte)'0');
        var nine = Vector128.Create((byte)9);
        for (var i = 0; i + Vector128<byte>.Count <= payload.Length; i += Vector128<byte>.Count)
        {
            if (Vector128.LessThanOrEqualAll(Vector128.Create(payload.Slice(i, Vector128<byte>.Count)) - zero, nine))
            {
                return true;
            }
        }

        return false;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> payload)
    {
        Span<char> chars = stackalloc char[StackChars];
        var offset = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(payload[offset..], chars, out var read, out _, replaceInvalidSequences: false);
            offset += read;
            if (status != OperationStatus.DestinationTooSmall)
            {
                return offset;
            }
        }
    }
}
