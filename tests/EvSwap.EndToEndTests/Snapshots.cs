using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.EndToEndTests;

/// <summary>Valid telemetry for the broker and poison tests: a small station whose only battery id is "bat-1".</summary>
internal static class Snapshots
{
    public static byte[] Json(string stationId, long seq) => TelemetryBuilder.For(stationId).Seq(seq).Json();

    /// <summary>The snapshot with the bytes of <paramref name="find"/> replaced by <paramref name="replacement"/>, which need not be UTF-8.</summary>
    public static byte[] Replace(byte[] json, string find, ReadOnlySpan<byte> replacement)
    {
        var what = System.Text.Encoding.UTF8.GetBytes(find);
        var at = json.AsSpan().IndexOf(what);
        if (at < 0)
        {
            throw new ArgumentException($"'{find}' is not in the snapshot", nameof(find));
        }

        return [.. json.AsSpan(0, at), .. replacement, .. json.AsSpan(at + what.Length)];
    }

    /// <summary>The snapshot with an unknown first property whose value is the given raw bytes.</summary>
    public static byte[] WithNote(byte[] json, ReadOnlySpan<byte> value) => [.. "{\"note\":"u8, .. value, (byte)',', .. json.AsSpan(1)];
}
