using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace EvSwap.EndToEndTests;

/// <summary>
/// Every span the silo's own tracer provider finished, kept in memory. Added to the provider the silo configures, so
/// a span shows up here only if the silo's telemetry setup listens to its source.
/// </summary>
public sealed class CollectedSpans : BaseProcessor<Activity>
{
    private readonly List<Activity> _spans = [];

    public void AddTo(WebApplicationBuilder builder) =>
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(this));

    public override void OnEnd(Activity data)
    {
        lock (_spans)
        {
            _spans.Add(data);
        }
    }

    public List<Activity> Where(Func<Activity, bool> predicate)
    {
        lock (_spans)
        {
            return _spans.Where(predicate).ToList();
        }
    }
}
