using System.Text;
using EvSwap.Archive;
using EvSwap.Archive.S3;
using EvSwap.Testing;
using Microsoft.Extensions.Options;

namespace EvSwap.Archive.S3.Tests;

/// <summary>The S3 store against s3rver on a free loopback port, one bucket per test.</summary>
public sealed class S3ArchiveStoreTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-s3rver-" + Guid.NewGuid().ToString("N"));
    private StandInProcess _s3rver = null!;
    private S3ArchiveStore _store = null!;

    public async Task InitializeAsync()
    {
        _s3rver = await StandIns.StartS3rverAsync(_dir);
        _store = NewStore(_s3rver.Port);
        await _store.EnsureBucketAsync(default);
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _s3rver.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static S3ArchiveStore NewStore(int port) => new(Options.Create(new S3Options
    {
        Bucket = "evswap-archive",
        Region = "us-east-1",
        ServiceUrl = $"http://127.0.0.1:{port}",
    }));

    private static TelemetryBatch Batch(string station, long first, int count, long boot = 1)
    {
        var messages = Messages(station, first, count, boot);
        return TelemetryBatch.FromMessages(station, boot, DateOnly.FromDateTime(messages[0].Ts.UtcDateTime), messages);
    }

    private static List<BufferedMessage> Messages(string station, long first, int count, long boot = 1)
    {
        var ts = new DateTimeOffset(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);
        var messages = Enumerable.Range(0, count).Select(i =>
        {
            var seq = first + i;
            var payload = Encoding.UTF8.GetBytes($$"""{"schema":"evswap.telemetry.v1","stationId":"{{station}}","boot":{{boot}},"seq":{{seq}},"ts":"{{ts.AddSeconds(seq):O}}","slots":[{"slot":1,"state":"empty"}]}""");
            return new BufferedMessage(boot, seq, ts.AddSeconds(seq), ts.AddSeconds(seq + 0.1), payload);
        }).ToList();
        return messages;
    }

    [Fact]
    public async Task A_batch_round_trips_byte_for_byte_under_its_specified_key()
    {
        var archive = new TelemetryArchive(_store);
        var batch = Batch("st-7", 100, 50);

        await archive.WriteBatchAsync(batch);

        Assert.Equal("telemetry/v1/station=st-7/date=2026-11-24/1-100-149.t180140-180229.ndjson.gz", batch.Key);
        Assert.Equal(batch.Content, await _store.GetAsync(batch.Key, default));
        var listed = Assert.Single(await archive.ListBatchesAsync("st-7", batch.Date, batch.Date));
        var read = await archive.ReadMessagesAsync(listed);
        Assert.Equal(Enumerable.Range(100, 50).Select(i => (long)i), read.Select(m => m.Seq));
        Assert.Equal(Messages("st-7", 100, 50).Select(m => Encoding.UTF8.GetString(m.Payload)), read.Select(m => m.Payload));
    }

    [Fact]
    public async Task Writing_the_same_batch_twice_leaves_one_object()
    {
        var archive = new TelemetryArchive(_store);
        var batch = Batch("st-8", 1, 10);

        await archive.WriteBatchAsync(batch);
        await archive.WriteBatchAsync(batch);

        var keys = await _store.ListAsync("telemetry/v1/station=st-8/", default).ToListAsync();
        Assert.Equal([batch.Key], keys);
    }

    [Fact]
    public async Task Listing_pages_past_a_thousand_keys_and_stays_inside_the_prefix()
    {
        var archive = new TelemetryArchive(_store);
        // One at a time: s3rver fails concurrent writes into one new directory (a stand-in limit, not S3's).
        await Parallel.ForEachAsync(Enumerable.Range(0, 1100), new ParallelOptions { MaxDegreeOfParallelism = 1 },
            async (i, ct) => await archive.WriteBatchAsync(Batch("st-many", i * 10, 1), ct));
        await archive.WriteBatchAsync(Batch("st-many-other", 1, 1));

        var batches = await archive.ListBatchesAsync("st-many", new DateOnly(2026, 11, 24), new DateOnly(2026, 11, 24));

        Assert.Equal(1100, batches.Count);
        Assert.All(batches, b => Assert.Equal("st-many", b.StationId));
        Assert.Equal(batches.Select(b => b.FirstSeq).Order(), batches.Select(b => b.FirstSeq));
    }

    [Fact]
    public async Task Listing_from_a_date_years_back_costs_one_request_not_one_per_day()
    {
        var archive = new TelemetryArchive(_store);
        var old = Batch("st-years", 1, 1) with { Date = new DateOnly(2024, 3, 1) };
        var recent = Batch("st-years", 2, 2) with { Date = new DateOnly(2026, 11, 24) };
        await archive.WriteBatchAsync(old);
        await archive.WriteBatchAsync(recent);

        var before = _store.Lists;
        var batches = await archive.ListBatchesAsync("st-years", new DateOnly(2024, 3, 2), DateOnly.MaxValue);

        Assert.Equal([recent.Key], batches.Select(b => b.Key));
        Assert.Equal(1, _store.Lists - before);
    }

    [Fact]
    public async Task A_missing_key_reads_as_null()
    {
        Assert.Null(await _store.GetAsync("telemetry/v1/station=none/date=2026-11-24/1-1-1.ndjson.gz", default));
    }

    [Fact]
    public async Task A_write_during_an_outage_fails_loudly_and_succeeds_once_s3_is_back()
    {
        var archive = new TelemetryArchive(_store);
        var batch = Batch("st-outage", 1, 5);
        var port = _s3rver.Port;
        await _s3rver.DisposeAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => archive.WriteBatchAsync(batch));
        await Assert.ThrowsAnyAsync<Exception>(() => _store.CheckAsync(default));

        _s3rver = await StandIns.StartS3rverAsync(_dir, port);
        await archive.WriteBatchAsync(batch);
        Assert.NotNull(await _store.GetAsync(batch.Key, default));
    }
}
