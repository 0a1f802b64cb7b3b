namespace EvSwap.Contracts;

/// <summary>
/// The downlink topics, an extension of contract v1 beside the telemetry topic:
/// <c>evswap/v1/stations/{stationId}/commands</c> (cloud to station, QoS 1) and
/// <c>evswap/v1/stations/{stationId}/command-results</c> (station to cloud, QoS 1).
/// </summary>
public static class CommandTopic
{
    public const string CommandsSuffix = "/commands";
    public const string ResultsSuffix = "/command-results";

    /// <summary>Subscription filter matching every station's command results.</summary>
    public const string ResultsFilter = "evswap/v1/stations/+/command-results";

    public static string CommandsFor(string stationId) => TelemetryTopic.Prefix + stationId + CommandsSuffix;

    public static string ResultsFor(string stationId) => TelemetryTopic.Prefix + stationId + ResultsSuffix;

    /// <summary>The shared-subscription filter for a group, or the plain filter when the group is empty.</summary>
    public static string ResultsSubscriptionFilter(string? sharedGroup) =>
        string.IsNullOrEmpty(sharedGroup) ? ResultsFilter : $"$share/{sharedGroup}/{ResultsFilter}";

    public static bool IsResults(string? topic) =>
        topic is not null && topic.StartsWith(TelemetryTopic.Prefix, StringComparison.Ordinal) && topic.EndsWith(ResultsSuffix, StringComparison.Ordinal);

    public static bool TryParseResultsStationId(string? topic, out string stationId)
    {
        stationId = string.Empty;
        if (!IsResults(topic))
        {
            return false;
        }

        var id = topic.AsSpan(TelemetryTopic.Prefix.Length, topic!.Length - TelemetryTopic.Prefix.Length - ResultsSuffix.Length);
        if (!TelemetryTopic.IsValidStationId(id))
        {
            return false;
        }

        stationId = id.ToString();
        return true;
    }
}
