using System.Diagnostics;
using Amazon;
using Amazon.Runtime.Telemetry;
using Amazon.Runtime.Telemetry.Tracing;

namespace EvSwap.Silo;

/// <summary>
/// Spans for AWS SDK calls (DynamoDB membership and grain state, S3 archive), one per operation with the SDK's
/// rpc.* attributes. The SDK has a tracing hook but ships only a no-op behind it, and the OpenTelemetry adapter package
/// for it is not available to this project; this is that adapter over an <see cref="ActivitySource"/>.
/// </summary>
public static class AwsSdkTracing
{
    public const string SourceName = "EvSwap.AwsSdk";

    private static readonly ActivitySource Source = new(SourceName);
    private static readonly ActivityTracer SharedTracer = new();

    /// <summary>Sets the SDK's process-wide tracer provider; idempotent, so every silo in a process may call it.</summary>
    public static void Register() => AWSConfigs.TelemetryProvider.RegisterTracerProvider(new ActivityTracerProvider());

    private sealed class ActivityTracerProvider : TracerProvider
    {
        public override Tracer GetTracer(string scope) => SharedTracer;

        public override Tracer GetTracer(string scope, Attributes attributes) => SharedTracer;
    }

    private sealed class ActivityTracer : Tracer
    {
        public override TraceSpan CreateSpan(string name, Attributes? initialAttributes = null, SpanKind spanKind = SpanKind.INTERNAL, SpanContext? parentContext = null)
        {
            var kind = spanKind switch
            {
                SpanKind.CLIENT => ActivityKind.Client,
                SpanKind.SERVER => ActivityKind.Server,
                SpanKind.PRODUCER => ActivityKind.Producer,
                SpanKind.CONSUMER => ActivityKind.Consumer,
                _ => ActivityKind.Internal,
            };
            var activity = Source.StartActivity(name, kind);
            if (activity is { IsAllDataRequested: true } && initialAttributes is not null)
            {
                foreach (var (key, value) in initialAttributes.AllAttributes)
                {
                    activity.SetTag(key, value);
                }
            }

            return new ActivitySpan(activity);
        }
    }

    private sealed class ActivitySpan : TraceSpan
    {
        // Null when no tracer listens (or the trace is not sampled): the SDK still expects a span to call.
        private readonly Activity? activity;

        public ActivitySpan(Activity? activity)
        {
            this.activity = activity;
            Name = activity?.DisplayName;
        }

        public override void EmitEvent(string eventName, Attributes? attributes = null) =>
            activity?.AddEvent(new ActivityEvent(eventName, tags: attributes is null ? default : new ActivityTagsCollection(attributes.AllAttributes!)));

        public override void SetAttribute(string key, object value) => activity?.SetTag(key, value);

        public override void SetStatus(SpanStatus status) => activity?.SetStatus(status switch
        {
            SpanStatus.OK => ActivityStatusCode.Ok,
            SpanStatus.ERROR => ActivityStatusCode.Error,
            _ => ActivityStatusCode.Unset,
        });

        // The type only: exception messages from AWS can carry resource names and keys.
        public override void RecordException(Exception exception, Attributes? attributes = null)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
            activity?.SetTag("exception.type", exception.GetType().FullName);
        }

        public override void End() => activity?.Stop();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                activity?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
