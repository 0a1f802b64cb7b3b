using System.Text;
using EvSwap.Archive.S3;
using EvSwap.IngestLog;
using EvSwap.IngestLog.S3;
using EvSwap.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EvSwap.Archive.S3.Tests;

/// <summary>The ingest log's S3 backend against s3rver: group commit, restart, takeover by a survivor, retention.</summary>
public sealed class S3IngestLogTests : IAsyncLifetime
{
    private const string Bucket = "evswap-log";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-s3log-" + Guid.NewGuid().ToString("N"));
    private readonly IngestLogOptions _options = new() { Provider = IngestLogProvider.S3, CommitInterval = TimeSpan.FromMilliseconds(100) };
    private StandInProcess _s3rver = null!;
    private Amazon.S3.AmazonS3Client _s3 = null!;

    public async Task InitializeAsync()
    {
        _s3rver = await StandIns.StartS3rverAsync(_dir);
        var options = new S3Options { Bucket = Bucket, Region = "us-east-1", ServiceUrl = $"http://127.0.0.1:{_s3rver.Port}" };
        _s3 = S3ArchiveStore.CreateClient(options);
        using var store = new S3ArchiveStore(Options.Create(options));
        await store.EnsureBucketAsync(default);
    }

    public async Task DisposeAsync()
    {
        _s3.Dispose();
        await _s3rver.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private S3IngestLog Log(string name, IngestLogMetrics? metrics = null) =>
        new(_s3, Bucket, name, _options, TimeProvider.System, NullLogger<S3IngestLog>.Instance, metrics);

    private static LogRecord Record(int i) => new(DateTimeOffset.UtcNow, $"evswap/v1/stations/st-{i}/telemetry", Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"));

    [Fact]
    public async Task Records_appended_within_one_commit_window_share_one_put_and_are_durable_when_it_returns()
    {
        var metrics = new IngestLogMetrics(new TestMeterFactory());
        var log = Log("silo-a", metrics);
        await log.OpenAsync(default);

        var appends = Enumerable.Range(0, 200).Select(i => log.Append(Record(i))).ToList();
        foreach (var append in appends)
        {
            await append.WaitDurableAsync();
        }

        Assert.InRange(metrics.Requests, 1, 3);
        var records = new List<LogRecord>();
        foreach (var segment in log.RetainedSegments())
        {
            records.AddRange((await log.ReadSegmentAsync(segment, default)).Records);
        }

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"evswap/v1/stations/st-{i}/telemetry"), records.Select(r => r.Topic));
        await log.CloseAsync(DateTimeOffset.MaxValue, stoppedCleanly: true);
        Assert.Empty(await Log("other").ListPeerLogsAsync(default));
    }

    [Fact]
    public async Task A_crashed_silos_objects_are_found_on_restart_and_taken_over_by_a_survivor_once()
    {
        var crashed = Log("silo-a");
        await crashed.OpenAsync(default);
        await crashed.Append(Record(1)).WaitDurableAsync();
        await crashed.Append(Record(2)).WaitDurableAsync();

        // Not closed: the process died. Its restart on the same name finds what it left.
        var restarted = Log("silo-a");
        Assert.NotEmpty(await restarted.OpenAsync(default));
        await restarted.CloseAsync(DateTimeOffset.MinValue, stoppedCleanly: false);

        var survivor = Log("silo-b");
        await survivor.OpenAsync(default);
        Assert.Equal(["silo-a"], await survivor.ListPeerLogsAsync(default));
        var takeover = await survivor.TryTakeOverAsync("silo-a", default);
        Assert.Equal(PeerLogState.Taken, takeover.State);
        await using (var peer = takeover.Log!)
        {
            Assert.False(peer.StoppedCleanly);
            var topics = new List<string>();
            foreach (var segment in peer.Segments)
            {
                topics.AddRange((await peer.ReadAsync(segment, default)).Records.Select(r => r.Topic));
                await peer.RemoveAsync(segment, default);
            }

            Assert.Equal(["evswap/v1/stations/st-1/telemetry", "evswap/v1/stations/st-2/telemetry"], topics);
        }

        Assert.Equal(PeerLogState.Gone, (await survivor.TryTakeOverAsync("silo-a", default)).State);
        await survivor.CloseAsync(DateTimeOffset.MaxValue, stoppedCleanly: true);
    }

    [Fact]
    public async Task Retention_removes_objects_whose_records_were_all_archived()
    {
        var log = Log("silo-a");
        await log.OpenAsync(default);
        await log.Append(Record(1)).WaitDurableAsync();
        var horizon = DateTimeOffset.UtcNow.AddMilliseconds(1);
        await Task.Delay(5);
        await log.Append(Record(2)).WaitDurableAsync();

        Assert.Equal(1, log.RemoveSegmentsBefore(horizon));

        var left = await Eventually.GetAsync(async () => (await _s3.ListObjectsV2Async(new() { BucketName = Bucket, Prefix = "ingest-log/silo-a/" })).S3Objects ?? [], o => o.Count == 1);
        Assert.Single(left);
        await log.CloseAsync(DateTimeOffset.MinValue, stoppedCleanly: true);
        var marker = await _s3.ListObjectsV2Async(new() { BucketName = Bucket, Prefix = "ingest-log/silo-a/" });
        Assert.Contains(marker.S3Objects, o => o.Key.EndsWith("stopped-cleanly", StringComparison.Ordinal));
    }

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
