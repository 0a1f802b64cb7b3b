using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using EvSwap.Bridge;
using EvSwap.Contracts;
using EvSwap.Silo;
using EvSwap.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Orleans;
using Orleans.Diagnostics;

namespace EvSwap.EndToEndTests;

/// <summary>Traces, logging scopes, metrics and the dashboard of a real silo host.</summary>
public sealed class ObservabilityEndToEndTests
{
    private static byte[] Snapshot(string stationId, long seq) =>
        TelemetryBuilder.For(stationId).Boot(3).Seq(seq).Ready(1, "bat-1", socPct: 99, tempC: 28, sohPct: 95, cycles: 10).Json();

    private static string? Tag(Activity span, string key) => span.GetTagItem(key)?.ToString();

    private static bool IsIngestCall(Activity span) =>
        span.Source.Name == ActivitySources.ApplicationGrainActivitySourceName && Tag(span, "rpc.method")?.EndsWith("/Ingest", StringComparison.Ordinal) == true;

    [Fact]
    public async Task A_published_message_is_one_trace_from_the_bridges_receipt_through_the_station_grains_ingest()
    {
        var spans = new CollectedSpans();
        await using var silo = await TestSilo.StartAsync(spans.AddTo, "--Telemetry:Tracing=true");
        using var client = await silo.ConnectPublisherAsync("trace-publisher");

        await TestSilo.PublishAsync(client, TelemetryTopic.For("trace-01"), Snapshot("trace-01", 5));

        var bridge = await Eventually.GetAsync(
            () => Task.FromResult(spans.Where(s => s.Source.Name == BridgeTelemetry.SourceName && Tag(s, BridgeTelemetry.StationIdTag) == "trace-01")),
            found => found.Count > 0);
        var receipt = Assert.Single(bridge);
        Assert.Equal(ActivityKind.Consumer, receipt.Kind);
        Assert.Equal(("3", "5", "accepted"), (Tag(receipt, BridgeTelemetry.BootTag), Tag(receipt, BridgeTelemetry.SeqTag), Tag(receipt, BridgeTelemetry.OutcomeTag)));

        // Orleans' client span of the grain call is a child of the bridge's span, its server span a child of that.
        var calls = await Eventually.GetAsync(() => Task.FromResult(spans.Where(s => s.TraceId == receipt.TraceId && IsIngestCall(s))), found => found.Count >= 2);
        var call = Assert.Single(calls, s => s.Kind == ActivityKind.Client);
        var handled = Assert.Single(calls, s => s.Kind == ActivityKind.Server);
        Assert.Equal(receipt.SpanId, call.ParentSpanId);
        Assert.Equal(call.SpanId, handled.ParentSpanId);
    }

    [Fact]
    public async Task An_api_request_continues_its_callers_trace_into_the_grain_it_reads()
    {
        var spans = new CollectedSpans();
        await using var silo = await TestSilo.StartAsync(spans.AddTo, "--Telemetry:Tracing=true");
        var caller = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/stations/never-reported");
        request.Headers.Add("traceparent", $"00-{caller}-{ActivitySpanId.CreateRandom()}-01");

        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.SendAsync(request)).StatusCode);

        // The server span ends after the response is written: wait for both ends, not only the grain's.
        var trace = await Eventually.GetAsync(
            () => Task.FromResult(spans.Where(s => s.TraceId == caller).ToList()),
            found => found.Any(s => s.Kind == ActivityKind.Server && s.Source.Name == ActivitySources.ApplicationGrainActivitySourceName)
                && found.Any(s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore"));
        Assert.Contains(trace, s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore");
        Assert.Contains(trace, s => s.Kind == ActivityKind.Server && s.Source.Name == ActivitySources.ApplicationGrainActivitySourceName);
    }

    [Fact]
    public async Task AWS_SDK_calls_are_traced_with_the_operation_they_made()
    {
        var spans = new CollectedSpans();
        await using var silo = await TestSilo.StartAsync(spans.AddTo, "--Telemetry:Tracing=true");
        var nobody = $"http://127.0.0.1:{FreePort.Next()}";
        using var s3 = new AmazonS3Client(new BasicAWSCredentials("test", "test"), new AmazonS3Config { ServiceURL = nobody, ForcePathStyle = true, MaxErrorRetry = 0 });

        await Assert.ThrowsAnyAsync<Exception>(() => s3.ListObjectsV2Async(new() { BucketName = "traced-bucket" }));

        var calls = spans.Where(s => s.Source.Name == AwsSdkTracing.SourceName && s.Kind == ActivityKind.Client && Tag(s, "rpc.method") == "ListObjectsV2");
        var call = Assert.Single(calls);
        Assert.Equal(ActivityStatusCode.Error, call.Status);
    }

    [Fact]
    public async Task Lines_logged_while_a_station_is_processed_carry_its_station_id_and_trace_id_as_scopes()
    {
        var spans = new CollectedSpans();
        await using var silo = await TestSilo.StartAsync(
            builder =>
            {
                spans.AddTo(builder);
                builder.Logging.AddFakeLogging();
                builder.Services.AddSingleton<IIncomingGrainCallFilter, StationCallProbe>();
            },
            "--Telemetry:Tracing=true",
            "--Logging:LogLevel:EvSwap.Bridge=Debug");
        using var client = await silo.ConnectPublisherAsync("scope-publisher");

        // A rejected message is logged by the bridge; an accepted one reaches the grain, where the probe logs.
        await TestSilo.PublishAsync(client, TelemetryTopic.For("scope-01"), Encoding.UTF8.GetBytes("{not json"));
        await TestSilo.PublishAsync(client, TelemetryTopic.For("scope-02"), Snapshot("scope-02", 1));

        var collector = silo.Services.GetFakeLogCollector();
        var rejected = await Eventually.GetAsync(() => Task.FromResult(collector.GetSnapshot().Where(r => r.Message.StartsWith("Rejected message", StringComparison.Ordinal)).ToList()), found => found.Count > 0);
        var rejection = Assert.Single(rejected);
        Assert.Equal("scope-01", ScopeValue(rejection, "StationId"));
        var receipt = Assert.Single(spans.Where(s => s.Source.Name == BridgeTelemetry.SourceName && Tag(s, BridgeTelemetry.StationIdTag) == "scope-01"));
        Assert.Equal(receipt.TraceId.ToString(), ScopeValue(rejection, "TraceId"));

        var probed = await Eventually.GetAsync(() => Task.FromResult(collector.GetSnapshot().Where(r => r.Category == typeof(StationCallProbe).FullName).ToList()), found => found.Count > 0);
        Assert.All(probed, r => Assert.Equal("scope-02", ScopeValue(r, "StationId")));
    }

    [Fact]
    public async Task The_local_profile_serves_the_dashboard_when_enabled_and_exports_orleans_meters_beside_evswaps()
    {
        await using var silo = await TestSilo.StartAsync("--Dashboard:Enabled=true");
        using var client = await silo.ConnectPublisherAsync("metrics-publisher");
        await TestSilo.PublishAsync(client, TelemetryTopic.For("metrics-01"), Snapshot("metrics-01", 1));
        await Eventually.GetAsync(() => silo.Http.GetAsync("/stations/metrics-01"), r => r.IsSuccessStatusCode);

        using var page = await silo.Http.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var stats = await silo.GetJsonAsync("/dashboard/ClusterStats");
        Assert.Equal(JsonValueKind.Object, stats.ValueKind);

        var metrics = await Eventually.GetAsync(() => silo.Http.GetStringAsync("/metrics"), m => m.Contains("orleans_", StringComparison.Ordinal));
        Assert.Contains("evswap_bridge_received", metrics, StringComparison.Ordinal);
        Assert.Contains("orleans_", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Telemetry:TraceSampleRatio=2", "Telemetry:TraceSampleRatio must be between 0 and 1")]
    [InlineData("--Dashboard:Path=dashboard", "Dashboard:Path 'dashboard' must be a path such as /dashboard")]
    [InlineData("--Dashboard:Path=/metrics", "Dashboard:Path '/metrics' overlaps an API path")]
    public void A_misconfigured_telemetry_or_dashboard_section_stops_the_start_and_says_what_to_fix(string arg, string expected)
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => SiloApp.Build([arg, "--Dashboard:Enabled=true"]));
        Assert.Contains(ex.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    private static string? ScopeValue(FakeLogRecord record, string key) => record.Scopes
        .OfType<IEnumerable<KeyValuePair<string, object?>>>()
        .SelectMany(scope => scope)
        .Where(p => p.Key == key)
        .Select(p => p.Value?.ToString())
        .FirstOrDefault();

    /// <summary>Logs one line inside every station grain call, as the archive or grain storage would.</summary>
    private sealed class StationCallProbe(ILogger<StationCallProbe> logger) : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.Grain is IStationGrain)
            {
                logger.LogWarning("Station grain call {Method}", context.MethodName);
            }

            return context.Invoke();
        }
    }
}
