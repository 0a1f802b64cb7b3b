using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EvSwap.Webhooks;

/// <summary>
/// <c>X-EvSwap-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;body&gt;"&gt;</c>. The time is
/// signed with the body so a captured request cannot be replayed later than the receiver's tolerance.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-EvSwap-Signature";

    public static string Create(string secret, long unixSeconds, ReadOnlySpan<byte> body) =>
        string.Create(CultureInfo.InvariantCulture, $"t={unixSeconds},v1={Compute(secret, unixSeconds, body)}");

    /// <summary>True when the header carries a v1 signature of this body by this secret, made within <paramref name="tolerance"/> of now.</summary>
    public static bool Verify(string? header, string secret, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        long? t = null;
        var signatures = new List<string>();
        foreach (var part in (header ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal) && long.TryParse(part.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                t = parsed;
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                signatures.Add(part[3..]);
            }
        }

        if (t is null || Math.Abs(now.ToUnixTimeSeconds() - t.Value) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, t.Value, body));
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }

    private static string Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
