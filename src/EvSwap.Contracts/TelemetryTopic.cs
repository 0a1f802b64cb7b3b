namespace EvSwap.Contracts;

/// <summary>The MQTT topic layout of contract v1: <c>evswap/v1/stations/{stationId}/telemetry</c>.</summary>
public static class TelemetryTopic
{
    public const string Prefix = "evswap/v1/stations/";
    public const string Suffix = "/telemetry";

    /// <summary>Subscription filter matching every station's telemetry.</summary>
    public const string Filter = "evswap/v1/stations/+/telemetry";

    public const int MaxStationIdLength = 64;

    public static string For(string stationId) => Prefix + stationId + Suffix;

    /// <summary>The shared-subscription filter for a group, or the plain filter when the group is empty.</summary>
    public static string SubscriptionFilter(string? sharedGroup) =>
        string.IsNullOrEmpty(sharedGroup) ? Filter : $"$share/{sharedGroup}/{Filter}";

    public static bool TryParseStationId(string? topic, out string stationId)
    {
        stationId = string.Empty;
        if (topic is null || !topic.StartsWith(Prefix, StringComparison.Ordinal) || !topic.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return false;
        }

        var id = topic.AsSpan(Prefix.Length, topic.Length - Prefix.Length - Suffix.Length);
        if (!IsValidStationId(id))
        {
            return false;
        }

        stationId = id.ToString();
        return true;
    }

    public static bool IsValidStationId(ReadOnlySpan<char> id)
    {
        if (id.Length is 0 or > MaxStationIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
