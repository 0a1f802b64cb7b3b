using System.Buffers.Text;
using System.Text;

namespace EvSwap.Api;

/// <summary>Opaque page cursors: clients pass them back unchanged and must not depend on what is inside.</summary>
internal static class Cursor
{
    public static string Encode(string value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));

    public static bool TryDecode(string? cursor, out string value)
    {
        value = string.Empty;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        try
        {
            value = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return value.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
