using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace EvSwap.Bridge;

/// <summary>
/// The bridge's traces: one span per message from receipt to the station grain's answer (or the dead letter), the
/// parent of the grain call, so a trace shows where a message's time went.
/// </summary>
public static class BridgeTelemetry
{
    public const string SourceName = "EvSwap.Bridge";
    public const string IngestActivityName = "process telemetry";

    public const string StationIdTag = "evswap.station_id";
    public const string BootTag = "evswap.boot";
    public const string SeqTag = "evswap.seq";
    public const string OutcomeTag = "evswap.outcome";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// Starts the span (only when a tracer listens) and a logging scope naming the station, so every line logged
    /// while this message is processed says which station it was about.
    /// </summary>
    internal static IngestTrace StartIngest(ILogger logger, string topic)
    {
        var activity = Source.StartActivity(IngestActivityName, ActivityKind.Consumer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "mqtt");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", topic);
            if (EvSwap.Contracts.TelemetryTopic.TryParseStationId(topic, out var stationId))
            {
                activity.SetTag(StationIdTag, stationId);
            }
        }

        return new IngestTrace(activity, logger.BeginScope(new StationTopicScope(topic)));
    }
}
