using System.Text;
using EvSwap.IngestLog;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EvSwap.UnitTests;

public sealed class IngestLogTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "evswap-log-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private FileSystemIngestLog NewLog(IngestLogOptions? options = null) =>
        new(_root, options ?? new IngestLogOptions(), _time, NullLogger<FileSystemIngestLog>.Instance);

    private static LogRecord Record(int i, DateTimeOffset at) =>
        new(at, $"evswap/v1/stations/st-{i % 7}/telemetry", Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"));

    private async Task<List<LogRecord>> ReadAll()
    {
        var records = new List<LogRecord>();
        foreach (var path in Directory.GetFiles(_root, "*.seg").Order(StringComparer.Ordinal))
        {
            records.AddRange((await LogSegmentReader.ReadAsync(path, CancellationToken.None)).Records);
        }

        return records;
    }

    [Fact]
    public async Task Appended_records_are_durable_and_an_unclean_stop_leaves_them_for_the_next_start_in_order()
    {
        var log = NewLog();
        Assert.Empty(await log.OpenAsync(CancellationToken.None));
        var appends = Enumerable.Range(0, 500).Select(i => log.Append(Record(i, _time.GetUtcNow()))).ToList();
        await Task.WhenAll(appends.Select(a => a.WaitDurableAsync()));
        await log.CloseAsync(DateTimeOffset.MinValue, stoppedCleanly: false);

        var left = await NewLog().OpenAsync(CancellationToken.None);

        Assert.Single(left);
        var read = await ReadAll();
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"{{\"n\":{i}}}"), read.Select(r => Encoding.UTF8.GetString(r.Payload)));
        Assert.Equal("evswap/v1/stations/st-3/telemetry", read[3].Topic);
        Assert.Equal(_time.GetUtcNow(), read[0].ReceivedAt);
    }

    [Fact]
    public async Task A_record_cut_short_by_a_crash_is_reported_and_the_records_before_it_are_read()
    {
        var log = NewLog();
        await log.OpenAsync(CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => log.Append(Record(i, _time.GetUtcNow())).WaitDurableAsync()));
        await log.CloseAsync(DateTimeOffset.MinValue, stoppedCleanly: false);
        var path = Directory.GetFiles(_root, "*.seg").Single();
        var whole = new FileInfo(path).Length;
        using (var file = File.Open(path, FileMode.Open))
        {
            file.SetLength(whole - 3);
        }

        var contents = await LogSegmentReader.ReadAsync(path, CancellationToken.None);

        Assert.Equal(9, contents.Records.Count);
        Assert.True(contents.UnreadableBytes > 0);
    }

    [Fact]
    public async Task A_record_whose_checksum_fails_stops_the_read_there()
    {
        var log = NewLog();
        await log.OpenAsync(CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => log.Append(Record(i, _time.GetUtcNow())).WaitDurableAsync()));
        await log.CloseAsync(DateTimeOffset.MinValue, stoppedCleanly: false);
        var path = Directory.GetFiles(_root, "*.seg").Single();
        var bytes = await File.ReadAllBytesAsync(path);
        var second = LogRecordCodec.EncodedLength(Record(0, _time.GetUtcNow()));
        bytes[second + LogRecordCodec.HeaderBytes + 12] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);

        var contents = await LogSegmentReader.ReadAsync(path, CancellationToken.None);

        Assert.Single(contents.Records);
        Assert.Equal(bytes.Length - second, contents.UnreadableBytes);
    }

    [Fact]
    public async Task Retention_removes_only_closed_segments_whose_records_are_all_older_than_the_horizon()
    {
        var log = NewLog(new IngestLogOptions { SegmentAge = TimeSpan.FromMinutes(1) });
        await log.OpenAsync(CancellationToken.None);
        var first = _time.GetUtcNow();
        await log.Append(Record(1, first)).WaitDurableAsync();
        _time.Advance(TimeSpan.FromMinutes(2));
        var second = _time.GetUtcNow();
        await log.Append(Record(2, second)).WaitDurableAsync();
        _time.Advance(TimeSpan.FromMinutes(2));
        await log.Append(Record(3, _time.GetUtcNow())).WaitDurableAsync();

        Assert.Equal(0, log.RemoveSegmentsBefore(first));
        Assert.Equal(1, log.RemoveSegmentsBefore(second));
        Assert.Equal(1, log.RemoveSegmentsBefore(_time.GetUtcNow().AddHours(1)));
        await log.CloseAsync(DateTimeOffset.MinValue, stoppedCleanly: false);
        Assert.Equal([3], (await ReadAll()).Select(r => (int)(r.Payload[5] - '0')));
    }

    [Fact]
    public async Task A_second_log_on_the_same_folder_is_refused_with_what_to_fix()
    {
        var first = NewLog();
        await first.OpenAsync(CancellationToken.None);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => NewLog().OpenAsync(CancellationToken.None));

        Assert.Contains("IngestLog:Path", refused.Message, StringComparison.Ordinal);
        await first.CloseAsync(DateTimeOffset.MaxValue, stoppedCleanly: true);
    }

    [Fact]
    public async Task A_clean_stop_with_everything_archived_leaves_no_log_behind()
    {
        var log = NewLog();
        await log.OpenAsync(CancellationToken.None);
        await log.Append(Record(1, _time.GetUtcNow())).WaitDurableAsync();

        await log.CloseAsync(DateTimeOffset.MaxValue, stoppedCleanly: true);

        Assert.False(Directory.Exists(_root));
        Assert.Empty(await NewLog().OpenAsync(CancellationToken.None));
    }
}
