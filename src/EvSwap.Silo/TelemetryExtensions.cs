using EvSwap.Bridge;
using EvSwap.Grains;
using EvSwap.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace EvSwap.Silo;

/// <summary>
/// Everything the silo tells operators about itself: metrics (EvSwap's and Orleans'), traces (HTTP requests, the bridge
/// from receipt to apply, grain calls, AWS SDK calls) and the logging scopes that tie log lines to a station and a trace.
/// </summary>
public static class TelemetryExtensions
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OrleansMeterName = "Microsoft.Orleans";
    public const string DynamoDbMeterName = "EvSwap.Orleans.DynamoDB";

    public static WebApplicationBuilder AddEvSwapTelemetry(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var options = builder.Services.AddCheckedOptions<TelemetryOptions>(config, TelemetryOptions.Section);

        // Checked by AddEvSwapDashboard; a path without its leading '/' would throw here first.
        var dashboardPath = (config.GetSection(EvSwapDashboardOptions.Section).Get<EvSwapDashboardOptions>() ?? new()).Path;
        var dashboard = dashboardPath is ['/', _, ..] ? new PathString(dashboardPath) : PathString.Empty;
        var otlp = !string.IsNullOrWhiteSpace(config[OtlpEndpointKey]);
        var tracing = options.Tracing ?? otlp;

        // Log lines written inside a span carry its trace and span ids as a scope (JSON console logs show them).
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        // First of the incoming filters, so lines logged by every other filter also name the station.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IIncomingGrainCallFilter, StationLogScopeFilter>());
        if (tracing)
        {
            builder.UseOrleans(silo => silo.AddActivityPropagation());
            AwsSdkTracing.Register();
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(config["OTEL_SERVICE_NAME"] ?? "evswap-silo"))
            .WithMetrics(m =>
            {
                m.AddMeter(BridgeMetrics.MeterName, StationMetrics.MeterName, DownlinkMetrics.MeterName, AlarmMetrics.MeterName, BatteryMetrics.MeterName, EvSwap.IngestLog.IngestLogMetrics.MeterName, DynamoDbMeterName, OrleansMeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddPrometheusExporter();

                // On ECS a collector sidecar turns OTLP into CloudWatch metrics for scaling and alarms.
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            });

        if (tracing)
        {
            otel.WithTracing(t =>
            {
                t.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                    .AddSource(BridgeTelemetry.SourceName, AwsSdkTracing.SourceName, "System.Net.Http")
                    .AddSource(ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName, ActivitySources.StorageActivitySourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsPolled(context.Request.Path, dashboard));
                if (otlp)
                {
                    t.AddOtlpExporter();
                }
            });
        }

        return builder;
    }

    public static WebApplication MapEvSwapTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>Probes, scrapes and the dashboard's once-a-second refresh: traced, they would drown the requests that matter.</summary>
    private static bool IsPolled(PathString path, PathString dashboard) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics") || (dashboard.HasValue && path.StartsWithSegments(dashboard));
}
