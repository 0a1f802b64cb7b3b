using System.Diagnostics;
using EvSwap.Contracts;

namespace EvSwap.Bridge;

/// <summary>One message's span and logging scope, ended together when the message is done.</summary>
internal readonly struct IngestTrace(Activity? activity, IDisposable? scope) : IDisposable
{
    public void Parsed(TelemetryMessage message)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(BridgeTelemetry.BootTag, message.Boot);
            activity.SetTag(BridgeTelemetry.SeqTag, message.Seq);
        }
    }

    public void Rejected() => activity?.SetTag(BridgeTelemetry.OutcomeTag, "rejected");

    public void Applied(IngestOutcome outcome) =>
        activity?.SetTag(BridgeTelemetry.OutcomeTag, outcome == IngestOutcome.Accepted ? "accepted" : "duplicate");

    public void Dispose()
    {
        scope?.Dispose();
        activity?.Dispose();
    }
}
