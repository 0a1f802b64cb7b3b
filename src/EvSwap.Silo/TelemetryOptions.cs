using System.ComponentModel.DataAnnotations;

namespace EvSwap.Silo;

/// <summary>Traces and their volume. Metrics are always on (Prometheus /metrics, and OTLP when an endpoint is set).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// Record traces. Unset: on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, since a trace with nowhere to go costs
    /// three spans per message for nothing.
    /// </summary>
    public bool? Tracing { get; set; }

    /// <summary>Share of new traces kept (a span whose caller's trace was sampled is always kept).</summary>
    [Range(0.0, 1.0, ErrorMessage = "Telemetry:TraceSampleRatio must be between 0 and 1 (for example 0.01 to keep one trace in a hundred).")]
    public double TraceSampleRatio { get; set; } = 1.0;
}
