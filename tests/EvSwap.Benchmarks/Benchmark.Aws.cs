using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using EvSwap.Bridge;
using EvSwap.Simulator;
using EvSwap.Testing;
using MQTTnet.Server;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EvSwap.Benchmarks;

public sealed partial class Benchmark
{
    // ---- 2, 3, 5. DynamoDB and S3 requests per message, the serverless design, history --------------------------

    /// <summary>dynalite and s3rver, each behind a counting proxy, and the silo settings that point at the proxies.</summary>
    private sealed class AwsStandIns : IAsyncDisposable
    {
        private StandInProcess _dynalite = null!;
        private StandInProcess _s3rver = null!;

        public CountingProxy Dynamo { get; private set; } = null!;
        public CountingProxy S3 { get; private set; } = null!;
        public int S3rverPort => _s3rver.Port;

        public static async Task<AwsStandIns> StartAsync(string directory)
        {
            var s = new AwsStandIns { _dynalite = await StandIns.StartDynaliteAsync(), _s3rver = await StandIns.StartS3rverAsync(directory) };
            s.Dynamo = new CountingProxy(s._dynalite.Port);
            s.S3 = new CountingProxy(s._s3rver.Port);
            return s;
        }

        public string[] Settings(params string[] extra) =>
        [
            "GrainStorage:Provider=DynamoDB", $"DynamoDB:ServiceUrl=http://127.0.0.1:{Dynamo.Port}", "DynamoDB:Region=us-east-1", "DynamoDB:CreateIfNotExists=true",
            "Ledger:Provider=DynamoDB",
            "Archive:Provider=S3", $"S3:ServiceUrl=http://127.0.0.1:{S3.Port}", "S3:Bucket=evswap-bench", "S3:Region=us-east-1", "S3:CreateBucketIfNotExists=true",
            .. extra,
        ];

        public async ValueTask DisposeAsync()
        {
            await Dynamo.DisposeAsync();
            await S3.DisposeAsync();
            await _dynalite.DisposeAsync();
            await _s3rver.DisposeAsync();
        }
    }

    private async Task AwsAsync(CancellationToken ct)
    {
        await using var aws = await AwsStandIns.StartAsync(Path.Combine(options.WorkDir, "s3rver-evswap"));
        var (dynamo, s3) = (aws.Dynamo, aws.S3);

        // EvSwap with its defaults, stations at the production rate of one message per 5 s, in real time: the state
        // write-behind interval (Station:StatePersistInterval, 5 min) only shows over minutes. Counted from t=30 s
        // over exactly one interval, so the activation writes of the first seconds are outside the window and every
        // station's periodic write falls inside it once. A quick run's shorter window misses them: indicative only.
        var stations = options.Quick ? 1_000 : 2_000;
        var minutes = options.Quick ? 1 : 5;
        await using (var silo = await SiloProcess.StartAsync("aws-evswap", options.WorkDir, aws.Settings()))
        {
            var runTask = LoadAsync(silo.MqttPort, stations, null, TimeSpan.FromSeconds(30 + 60 * minutes + 2), "rt-", ct, interval: TimeSpan.FromSeconds(5));
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            var (m1, d1, p1) = (await MetricsAsync(silo), dynamo.Snapshot(), s3.Snapshot());
            await Task.Delay(TimeSpan.FromSeconds(60 * minutes), ct);
            var (m2, d2, p2) = (await MetricsAsync(silo), dynamo.Snapshot(), s3.Snapshot());
            var run = await runTask;
            var messages = m2.Accepted - m1.Accepted;
            var writes = Writes(d2) - Writes(d1);
            var puts = p2.GetValueOrDefault("PUT") - p1.GetValueOrDefault("PUT");
            report.Detail("aws-evswap-window", new { stations, minutes, messages, writes, puts, stateWritesMetric = m2.StateWrites - m1.StateWrites, dynamoRequests = Diff(d2, d1), published = run.Published });
            report.Add(new Row("2h", $"DynamoDB writes per message, EvSwap defaults, {stations:N0} stations x 1 msg/5 s, {minutes} min steady window (counting proxy)",
                writes / (double)messages, "writes/msg", $"{writes:N0} writes / {messages:N0} msgs; silo metric {m2.StateWrites - m1.StateWrites:N0}; target <= 0.05", writes / (double)messages <= 0.05));

            // One station-day (17,280 messages at one per 5 s) written fast, then flushed and read back through the API.
            var dayMessages = options.Quick ? 4_320 : 17_280;
            var (mBefore, pBefore) = (await MetricsAsync(silo), s3.Snapshot());
            var dayClock = Stopwatch.StartNew();
            var day = await LoadAsync(silo.MqttPort, 1, 2_000, TimeSpan.FromSeconds(dayMessages / 2_000.0), "day-", ct, connections: 1);

            // One station's messages are applied one after another (per-station order), so this is the slowest part.
            var allApplied = await WaitAcceptedAsync(silo, mBefore.Accepted + day.Published, TimeSpan.FromSeconds(240));
            var applied = (await MetricsAsync(silo)).Accepted - mBefore.Accepted;
            report.Add(new Row("5d", "One station's ingest rate (messages of a single station are applied in order, one at a time)", applied / dayClock.Elapsed.TotalSeconds, "msg/s",
                allApplied ? $"{applied:N0} applied" : $"only {applied:N0} of {day.Published:N0} applied within the time limit"));
            using (var flush = await _http.PostAsync($"{silo.ApiUrl}/stations/day-00000/flush", null, ct))
            {
                flush.EnsureSuccessStatusCode();
            }

            var dayPuts = s3.Snapshot().GetValueOrDefault("PUT") - pBefore.GetValueOrDefault("PUT");
            var (objects, bytes) = await ListAsync(aws.S3rverPort, "telemetry/v1/station=day-00000/", ct);
            report.Add(new Row("5a", $"S3 PUTs per message, default batching (500 msgs / 1 MB / 20 min), one station, {applied:N0} msgs (counting proxy)",
                dayPuts / (double)applied, "PUTs/msg", $"{dayPuts} PUTs, {objects} objects; target <= 0.005", dayPuts / (double)applied <= 0.005));
            report.Add(new Row("5b", "S3 stored bytes per message (gzip NDJSON, payload + receive time)", bytes / (double)applied, "B/msg",
                $"{bytes / 1048576.0:N2} MiB in {objects} objects; payload {day.AverageBytes:N0} B/msg as published"));

            var times = new List<double>();
            long items = 0;
            for (var i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                items = await ReadHistoryAsync(silo.ApiUrl, "day-00000", ct);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            report.Detail("history-ms", times);
            report.Add(new Row("5c", $"History query, one station-day ({items:N0} msgs, GET /stations/{{id}}/telemetry, pages of 1,000)", times.Order().ElementAt(1), "ms (median of 3)",
                $"first {times[0]:N0} ms, {items / (times.Order().ElementAt(1) / 1000):N0} msgs/s; {(items == applied ? "every applied message returned once" : $"returned {items:N0} of {applied:N0} applied")}"));

            // At one message per 5 s the age threshold (20 min) closes a batch first: 240 messages per object.
            // Each batch is two PUTs with series summaries (Archive:SeriesSummaries, on by default): the batch and its summary.
            report.Add(new Row("2i", "S3 PUTs per message at 1 msg/5 s per station, defaults (computed: MaxBatchAge 20 min = 240 msgs per batch, 2 PUTs per batch with its series summary)", 2 / 240.0, "PUTs/msg",
                "measured batching above; target <= 0.005 (met without summaries: 1/240)", 2 / 240.0 <= 0.005));
            await silo.StopAsync(TimeSpan.FromSeconds(90));
        }
    }

    /// <summary>The common serverless design (an IoT rule invoking a function per message): state written and one archive object per message.</summary>
    private async Task ServerlessAsync(CancellationToken ct)
    {
        await using var aws = await AwsStandIns.StartAsync(Path.Combine(options.WorkDir, "s3rver-serverless"));
        var (dynamo, s3) = (aws.Dynamo, aws.S3);
        var slStations = 500;
        await using (var silo = await SiloProcess.StartAsync("aws-serverless", options.WorkDir, aws.Settings("Station:StatePersistInterval=00:00:00.001", "Archive:MaxBatchMessages=1")))
        {
            var (m1, d1, p1) = (await MetricsAsync(silo), dynamo.Snapshot(), s3.Snapshot());
            var run = await LoadAsync(silo.MqttPort, slStations, null, options.Quick ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(30), "sl-", ct, interval: TimeSpan.FromSeconds(5));
            await WaitAcceptedAsync(silo, m1.Accepted + run.Published, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var (m2, d2, p2) = (await MetricsAsync(silo), dynamo.Snapshot(), s3.Snapshot());
            var messages = m2.Accepted - m1.Accepted;
            var writes = Writes(d2) - Writes(d1);
            var puts = p2.GetValueOrDefault("PUT") - p1.GetValueOrDefault("PUT");
            var evswapWrites = report.Value("2h") ?? double.NaN;
            report.Add(new Row("3a", $"Serverless design (state + 1 object per message): DynamoDB writes per message ({slStations} stations x 1 msg/5 s)", writes / (double)messages, "writes/msg",
                $"EvSwap uses {evswapWrites / (writes / (double)messages):P1} of it"));
            report.Add(new Row("3b", "Serverless design: S3 PUTs per message", puts / (double)messages, "PUTs/msg",
                $"EvSwap uses {1 / 240.0 / (puts / (double)messages):P2} of it (at 1 msg/5 s)"));
            report.Detail("aws-serverless", new { messages, writes, puts, dynamoRequests = Diff(d2, d1) });
            await silo.StopAsync(TimeSpan.FromSeconds(60));
        }
    }

    private static long Writes(IReadOnlyDictionary<string, long> requests) =>
        new[] { "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem" }.Sum(requests.GetValueOrDefault);

    private static Dictionary<string, long> Diff(IReadOnlyDictionary<string, long> after, IReadOnlyDictionary<string, long> before) =>
        after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));

    private static async Task<(int Objects, long Bytes)> ListAsync(int s3Port, string prefix, CancellationToken ct)
    {
        using var client = new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
        {
            ServiceURL = $"http://127.0.0.1:{s3Port}",
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });
        var objects = 0;
        long bytes = 0;
        string? token = null;
        for (var page = 0; page < 1_000; page++)
        {
            var response = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "evswap-bench", Prefix = prefix, ContinuationToken = token }, ct);
            foreach (var o in response.S3Objects ?? [])
            {
                objects++;
                bytes += o.Size ?? 0;
            }

            token = response.IsTruncated == true ? response.NextContinuationToken : null;
            if (token is null)
            {
                break;
            }
        }

        return (objects, bytes);
    }

    private async Task<long> ReadHistoryAsync(string apiUrl, string id, CancellationToken ct)
    {
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O"));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"));
        long items = 0;
        string? cursor = null;
        for (var page = 0; page < 1_000; page++)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(await _http.GetStringAsync($"{apiUrl}/stations/{id}/telemetry?from={from}&to={to}&limit=1000" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), ct));
            items += doc.RootElement.GetProperty("items").GetArrayLength();
            cursor = doc.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null;
            if (cursor is null)
            {
                break;
            }
        }

        return items;
    }
}
