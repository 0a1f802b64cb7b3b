using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using EvSwap.Archive;
using EvSwap.Archive.S3;
using EvSwap.Bridge;
using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Testing;
using MQTTnet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

using static EvSwap.EndToEndTests.S3ArchiveAssertions;

namespace EvSwap.EndToEndTests;

/// <summary>The real silo host with <c>Archive:Provider=S3</c> against s3rver on a free loopback port, one per test.</summary>
public sealed class S3ArchiveEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Bucket = "evswap-e2e-archive";

    private readonly string _s3Directory = Path.Combine(Path.GetTempPath(), "evswap-e2e-s3rver-" + Guid.NewGuid().ToString("N"));
    private StandInProcess _s3rver = null!;

    private string ServiceUrl => $"http://127.0.0.1:{_s3rver.Port}";

    public async Task InitializeAsync() => _s3rver = await StandIns.StartS3rverAsync(_s3Directory);

    public async Task DisposeAsync()
    {
        await _s3rver.DisposeAsync();
        if (Directory.Exists(_s3Directory))
        {
            Directory.Delete(_s3Directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_graceful_stop_leaves_every_accepted_message_in_s3_exactly_once_byte_for_byte_under_the_specified_keys()
    {
        await using var silo = await StartSiloAsync("--Archive:MaxBatchMessages=10");
        using var client = await silo.ConnectPublisherAsync("s3-shutdown-publisher");

        const int stations = 30;
        const int perStation = 25;
        var start = StationTimeOrigin();
        var sent = new Dictionary<(string Station, long Boot, long Seq), byte[]>();
        for (var seq = 1; seq <= perStation; seq++)
        {
            for (var s = 0; s < stations; s++)
            {
                var id = $"s3-stop-{s:D2}";
                var payload = Payload(id, 1, seq, start.AddSeconds(seq));
                await TestSilo.PublishAsync(client, TelemetryTopic.For(id), payload);
                sent.Add((id, 1, seq), payload);
            }
        }

        var bridge = silo.Metrics;
        await Eventually.GetAsync(() => Task.FromResult(bridge.Accepted), n => n >= sent.Count, TimeSpan.FromMinutes(2));
        Assert.Equal(sent.Count, bridge.Accepted);

        // Seq 21-25 of every station are in open batches (10 per object): only the shutdown flush can archive them.
        // Keys only: s3rver may still be writing an object's bytes (see ReadCompleteArchiveAsync).
        var beforeStop = await ListKeysAsync();
        Assert.All(beforeStop, key => Assert.True(ArchiveKeys.TryParseBatch(key, out var batch) && batch.LastSeq <= 20, key));

        await client.DisconnectAsync(new MqttClientDisconnectOptions());
        await silo.StopAsync();

        var archived = await ReadCompleteArchiveAsync(sent.Count);
        AssertExactlyOnceAsSent(sent, archived);
        Assert.Equal(stations * 3, archived.Select(l => l.Key).Distinct().Count());

        // Tools (Athena, browsers, aws s3 cp) rely on the declared type and encoding of each object.
        using var s3 = S3ArchiveStore.CreateClient(ReaderOptions());
        var metadata = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = archived[0].Key });
        Assert.Equal(("application/x-ndjson", "gzip"), (metadata.Headers.ContentType, metadata.Headers.ContentEncoding));
    }

    [Fact]
    public async Task After_s3_goes_down_under_load_and_comes_back_every_accepted_message_is_archived_exactly_once()
    {
        // Small batches so many objects are written and fail; a small pending bound so stations also reach the
        // point where they refuse messages and the bridge has to retry them.
        await using var silo = await StartSiloAsync(
            "--Archive:MaxBatchMessages=5", "--Archive:MaxBatchBytes=4096", "--Archive:MaxPendingBytes=16384");
        using var client = await silo.ConnectPublisherAsync("s3-outage-publisher");
        var bridge = silo.Metrics;
        var meters = silo.Services.GetRequiredService<IMeterFactory>();
        using var writeFailures = new MetricCollector<long>(meters, StationMetrics.MeterName, StationMetrics.ArchiveWriteFailuresName);
        using var archiveBacklog = new MetricCollector<long>(meters, StationMetrics.MeterName, StationMetrics.ArchiveBacklogName);

        var ids = Enumerable.Range(0, 12).Select(i => $"s3-out-{i:D2}").ToList();
        var start = StationTimeOrigin();
        var sent = new Dictionary<(string Station, long Boot, long Seq), byte[]>();
        using var stopPublishing = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            // Bounded in count as well as by the test's phases.
            for (var seq = 1; seq <= 2000 && !stopPublishing.IsCancellationRequested; seq++)
            {
                foreach (var id in ids)
                {
                    var payload = Payload(id, 1, seq, start.AddMilliseconds(100 * seq));
                    await TestSilo.PublishAsync(client, TelemetryTopic.For(id), payload);
                    lock (sent)
                    {
                        sent.Add((id, 1, seq), payload);
                    }
                }

                await Task.Delay(25);
            }
        });

        // S3 must be taking writes before it goes away, or the test would only show a late start.
        var written = await Eventually.GetAsync(async () => (await ListKeysAsync()).Count, n => n >= 2 * ids.Count, TimeSpan.FromMinutes(1));
        Assert.True(written >= 2 * ids.Count, $"only {written} objects written before the outage");
        var port = _s3rver.Port;
        await _s3rver.DisposeAsync();

        // Flushes now fail: wait until the silo reports it, then keep the outage (and the publishing) going a while.
        var failures = await Eventually.GetAsync(() => Task.FromResult(writeFailures.GetMeasurementSnapshot().EvaluateAsCounter()), n => n > 0, TimeSpan.FromMinutes(1));
        Assert.True(failures > 0, "no archive write failure was reported while S3 was down");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var backlog = archiveBacklog.GetMeasurementSnapshot().EvaluateAsCounter();
        Assert.True(backlog > 0, "the silo reports no unarchived bytes while S3 is down");
        Assert.False(publisher.IsCompleted, "the publisher ran out before the outage was over; raise its message bound");

        _s3rver = await StandIns.StartS3rverAsync(_s3Directory, port);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await stopPublishing.CancelAsync();
        await publisher;

        await Eventually.GetAsync(() => Task.FromResult(bridge.Accepted), n => n >= sent.Count, TimeSpan.FromMinutes(3));
        Assert.Equal(sent.Count, bridge.Accepted);

        await client.DisconnectAsync(new MqttClientDisconnectOptions());
        await silo.StopAsync();

        var archived = await ReadCompleteArchiveAsync(sent.Count);
        output.WriteLine($"published {sent.Count}, archived {archived.Count} in {archived.Select(l => l.Key).Distinct().Count()} objects, {writeFailures.GetMeasurementSnapshot().EvaluateAsCounter()} failed writes, {backlog} bytes held during the outage, bridge saw {bridge.Received} deliveries");
        AssertExactlyOnceAsSent(sent, archived);
        Assert.True(archived.Select(l => l.Key).Distinct().Count() >= sent.Count / 5, "batches of at most five messages each");
        Assert.Equal(0, archiveBacklog.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task The_history_api_pages_through_archived_objects_and_the_unflushed_buffer_in_boot_seq_order()
    {
        await using var silo = await StartSiloAsync("--Archive:MaxBatchMessages=5");
        using var client = await silo.ConnectPublisherAsync("s3-history-publisher");

        var start = StationTimeOrigin();
        const string id = "s3-history";
        var messages = Enumerable.Range(1, 12).Select(seq => (Boot: 1L, Seq: (long)seq))
            .Concat(Enumerable.Range(1, 8).Select(seq => (Boot: 2L, Seq: (long)seq)))
            .Select((m, i) => (m.Boot, m.Seq, Ts: start.AddSeconds(i)))
            .ToList();
        var sent = new Dictionary<(long Boot, long Seq), (DateTimeOffset Ts, byte[] Payload)>();
        foreach (var (boot, seq, ts) in messages)
        {
            var payload = Payload(id, boot, seq, ts);
            await TestSilo.PublishAsync(client, TelemetryTopic.For(id), payload);
            sent.Add((boot, seq), (ts, payload));
        }

        await Eventually.GetAsync(() => silo.GetJsonAsync($"/stations/{id}"), v => v.GetProperty("boot").GetInt64() == 2 && v.GetProperty("seq").GetInt64() == 8);

        // Four objects (the reboot closes boot 1 early) and three messages still in the grain's buffer.
        var date = start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // Each key ends in the station times of its first and last message.
        string[] objects = [.. new[] { ("1-1-5", 0, 4), ("1-6-10", 5, 9), ("1-11-12", 10, 11), ("2-1-5", 12, 16) }
            .Select(o => $"telemetry/v1/station={id}/date={date}/{o.Item1}.t{start.AddSeconds(o.Item2).UtcDateTime:HHmmss}-{start.AddSeconds(o.Item3).UtcDateTime:HHmmss}.ndjson.gz")
            .Order(StringComparer.Ordinal)];
        // Waits for complete objects, not just keys (see ReadCompleteArchiveAsync).
        var archivedLines = await Eventually.GetAsync(ReadArchiveAsync, lines => lines.Select(l => l.Key).Distinct().SequenceEqual(objects) && lines.Count == messages.Count - 3);
        Assert.Equal(objects, archivedLines.Select(l => l.Key).Distinct());

        var all = await ReadAllPagesAsync(silo, id, start.AddSeconds(-1), start.AddSeconds(messages.Count + 1), limit: 4);
        Assert.Equal(5, all.Pages);
        AssertItemsAsSent(messages.Select(m => (m.Boot, m.Seq)), all.Items, sent);

        // A range that starts inside the first object and ends inside the buffer.
        var part = await ReadAllPagesAsync(silo, id, sent[(1, 3)].Ts, sent[(2, 7)].Ts, limit: 6);
        var expected = messages.Select(m => (m.Boot, m.Seq)).Where(k => k.CompareTo((1L, 3L)) >= 0 && k.CompareTo((2L, 7L)) <= 0).ToList();
        Assert.Equal(17, expected.Count);
        Assert.Equal(3, part.Pages);
        AssertItemsAsSent(expected, part.Items, sent);
    }

    [Fact]
    public async Task A_history_page_late_in_the_day_reads_only_the_objects_that_can_hold_it()
    {
        await using var silo = await StartSiloAsync("--Archive:MaxBatchMessages=5");
        using var client = await silo.ConnectPublisherAsync("s3-history-cost-publisher");
        const string id = "s3-history-cost";

        // 100 snapshots ten minutes apart over the last 17 hours: 20 objects of 5.
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddHours(-17);
        var sent = new Dictionary<(long Boot, long Seq), (DateTimeOffset Ts, byte[] Payload)>();
        for (var seq = 1; seq <= 100; seq++)
        {
            var ts = start.AddMinutes(10 * (seq - 1));
            var payload = Payload(id, 1, seq, ts);
            await TestSilo.PublishAsync(client, TelemetryTopic.For(id), payload);
            sent.Add((1, seq), (ts, payload));
        }

        await Eventually.GetAsync(ReadArchiveAsync, lines => lines.Count(l => l.Key.Contains($"station={id}/", StringComparison.Ordinal)) == 100);
        var s3 = silo.Services.GetRequiredService<S3ArchiveStore>();
        var before = s3.Gets;

        // The last ten snapshots: before keys carried station times, the page read all 20 objects to find them.
        var page = await ReadAllPagesAsync(silo, id, sent[(1, 91)].Ts, sent[(1, 100)].Ts, limit: 100);

        AssertItemsAsSent(Enumerable.Range(91, 10).Select(seq => (1L, (long)seq)), page.Items, sent);
        output.WriteLine($"objects read for the last 10 of 100 snapshots: {s3.Gets - before}");
        Assert.Equal(2, s3.Gets - before);
    }

    private Task<TestSilo> StartSiloAsync(params string[] args) => TestSilo.StartAsync(
    [
        "--Archive:Provider=S3",
        $"--S3:ServiceUrl={ServiceUrl}",
        $"--S3:Bucket={Bucket}",
        "--S3:CreateBucketIfNotExists=true",
        .. args,
    ]);

    /// <summary>
    /// Where a test's station clocks start: in the recent past, whole seconds, and far enough from midnight that
    /// every message of the test falls on one UTC date, so object boundaries follow from the batch thresholds alone.
    /// </summary>
    private static DateTimeOffset StationTimeOrigin()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second, TimeSpan.Zero);
        return start.TimeOfDay > new TimeSpan(23, 50, 0) ? start.AddMinutes(-15) : start;
    }

    private S3Options ReaderOptions() => new() { Bucket = Bucket, Region = "us-east-1", ServiceUrl = ServiceUrl };

    private static byte[] Payload(string stationId, long boot, long seq, DateTimeOffset ts) =>
        TelemetryBuilder.For(stationId).Boot(boot).Seq(seq).At(ts).Ambient(18.5, 30)
            .Ready(1, "bat-1", socPct: 98, tempC: 27, sohPct: 95, cycles: 100 + (int)(seq % 1000))
            .Charging(2, "bat-2", socPct: 40 + seq % 50, tempC: 33, sohPct: 91, cycles: 700)
            .Empty(3)
            .Json();

    /// <summary>Every telemetry line in the bucket, read with a client of its own (not the silo's).</summary>
    private async Task<List<ArchivedLine>> ReadArchiveAsync()
    {
        using var store = new S3ArchiveStore(Options.Create(ReaderOptions()));
        var lines = new List<ArchivedLine>();
        await foreach (var key in store.ListAsync(ArchiveKeys.TelemetryRoot, default))
        {
            var content = await store.GetAsync(key, default) ?? throw new InvalidOperationException($"{key} was listed but cannot be read");
            foreach (var m in ArchiveCodec.DecodeBatch(content))
            {
                using var doc = JsonDocument.Parse(m.Payload);
                var root = doc.RootElement;
                lines.Add(new ArchivedLine(key, root.GetProperty("stationId").GetString()!, root.GetProperty("boot").GetInt64(),
                    root.GetProperty("seq").GetInt64(), root.GetProperty("ts").GetDateTimeOffset(), m.Payload));
            }
        }

        return lines;
    }

    /// <summary>
    /// The archive once s3rver has every object on disk. s3rver answers a PUT before its file write has finished and
    /// writes in place, so a read right after can see a truncated object; S3 never does. Waiting for the expected
    /// count only bounds the wait: a message really missing still fails the assertions that follow.
    /// </summary>
    private Task<List<ArchivedLine>> ReadCompleteArchiveAsync(int expectedLines) =>
        Eventually.GetAsync(ReadArchiveAsync, lines => lines.Count >= expectedLines, TimeSpan.FromSeconds(15));

    private async Task<List<string>> ListKeysAsync()
    {
        using var store = new S3ArchiveStore(Options.Create(ReaderOptions()));
        return await store.ListAsync(ArchiveKeys.TelemetryRoot, default).ToListAsync();
    }
}
