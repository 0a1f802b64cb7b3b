using System.IO.Compression;
using System.Text;
using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.UnitTests;

public class ArchiveTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "evswap-unit-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Batch_keys_follow_the_hive_layout_and_parse_back()
    {
        var key = ArchiveKeys.Batch("st-0042", new DateOnly(2026, 11, 24), 7, 18231, 18290);

        Assert.Equal("telemetry/v1/station=st-0042/date=2026-11-24/7-18231-18290.ndjson.gz", key);
        Assert.True(ArchiveKeys.TryParseBatch(key, out var parsed));
        Assert.Equal(new BatchRef(key, "st-0042", new DateOnly(2026, 11, 24), 7, 18231, 18290, 60), parsed);
    }

    [Fact]
    public void A_batch_with_gaps_has_a_key_of_its_own_numbers_that_parses_back_with_its_count()
    {
        var date = new DateOnly(2026, 11, 24);
        SeqRange[] withGap = [new(1, 3), new(5, 6)];
        SeqRange[] otherGap = [new(1, 1), new(3, 6)];

        var key = ArchiveKeys.Batch("st-1", date, 7, withGap);

        Assert.Equal(key, ArchiveKeys.Batch("st-1", date, 7, [new(1, 3), new(5, 6)]));
        Assert.NotEqual(key, ArchiveKeys.Batch("st-1", date, 7, otherGap));
        Assert.NotEqual(key, ArchiveKeys.Batch("st-1", date, 7, 1, 6));
        Assert.True(ArchiveKeys.TryParseBatch(key, out var parsed));
        Assert.Equal((7L, 1L, 6L, 5L), (parsed.Boot, parsed.FirstSeq, parsed.LastSeq, parsed.Count));
    }

    [Fact]
    public void Rejected_keys_are_per_silo_and_date_and_a_function_of_the_first_message()
    {
        var at = new DateTimeOffset(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);
        Assert.Equal($"rejected/v1/date=2026-11-24/silo-a-{at.UtcTicks}.ndjson.gz", ArchiveKeys.Rejected("silo-a", at));
    }

    [Fact]
    public void A_batch_key_carries_the_station_times_of_its_earliest_and_latest_message_and_parses_them_back()
    {
        var date = new DateOnly(2026, 11, 24);
        var times = StationTimeSpan.Of(new DateTimeOffset(2026, 11, 24, 23, 0, 5, 900, TimeSpan.Zero), new DateTimeOffset(2026, 11, 24, 23, 59, 1, TimeSpan.Zero));

        var key = ArchiveKeys.Batch("st-1", date, 7, [new(1, 3), new(5, 6)], times);

        Assert.StartsWith("telemetry/v1/station=st-1/date=2026-11-24/7-1-6-5-", key);
        Assert.EndsWith(".t230005-235901.ndjson.gz", key);
        Assert.True(ArchiveKeys.TryParseBatch(key, out var parsed));
        Assert.Equal((7L, 1L, 6L, 5L, times), (parsed.Boot, parsed.FirstSeq, parsed.LastSeq, parsed.Count, parsed.Times));
        Assert.False(parsed.MayOverlap(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 24, 23, 0, 4, TimeSpan.Zero)));
        Assert.True(parsed.MayOverlap(new DateTimeOffset(2026, 11, 24, 23, 59, 1, 500, TimeSpan.Zero), new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero)));
        Assert.False(parsed.MayOverlap(new DateTimeOffset(2026, 11, 24, 23, 59, 2, TimeSpan.Zero), new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero)));

        // A key written before times were part of it parses with none, and may hold anything.
        Assert.True(ArchiveKeys.TryParseBatch(ArchiveKeys.Batch("st-1", date, 7, 1, 6), out var legacy));
        Assert.Null(legacy.Times);
        Assert.True(legacy.MayOverlap(DateTimeOffset.MinValue, DateTimeOffset.MinValue.AddSeconds(1)));
    }

    [Theory]
    [InlineData("telemetry/v1/station=st-1/date=2026-11-01/1-1-1.t120000.ndjson.gz")]
    [InlineData("telemetry/v1/station=st-1/date=2026-11-01/1-1-1.t120000-110000.ndjson.gz")]
    [InlineData("telemetry/v1/station=st-1/date=2026-11-01/1-1-1.t250000-260000.ndjson.gz")]
    [InlineData("telemetry/v1/station=st-1/date=2026-13-01/1-1-1.ndjson.gz")]
    [InlineData("telemetry/v1/station=st-1/date=2026-11-01/1-x-1.ndjson.gz")]
    [InlineData("rejected/v1/date=2026-11-01/a-1.ndjson.gz")]
    public void Keys_outside_the_layout_do_not_parse(string key) => Assert.False(ArchiveKeys.TryParseBatch(key, out _));

    [Fact]
    public void A_batch_is_one_gzip_ndjson_line_per_message_with_the_payload_as_received()
    {
        var payload = Encoding.UTF8.GetBytes("""{"schema":"evswap.telemetry.v1","seq":1,"ambientC":21.40}""");
        var at = new DateTimeOffset(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);
        var bytes = ArchiveCodec.EncodeBatch([new BufferedMessage(1, 1, at, at, payload), new BufferedMessage(1, 2, at, at, payload)]);

        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        var lines = new StreamReader(gzip).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("""{"receivedAt":"2026-11-24T18:00:00Z","payload":{"schema":"evswap.telemetry.v1","seq":1,"ambientC":21.40}}""", lines[0]);

        var decoded = ArchiveCodec.DecodeBatch(bytes);
        Assert.Equal(payload, decoded[0].Payload);
        Assert.Equal(at, decoded[1].ReceivedAt);
    }

    [Fact]
    public void A_pretty_printed_payload_is_compacted_so_each_message_stays_on_one_line()
    {
        var payload = Encoding.UTF8.GetBytes("{\n  \"seq\": 1,\n  \"note\": \"a b\"\n}");
        var bytes = ArchiveCodec.EncodeBatch([new BufferedMessage(1, 1, default, default, payload)]);

        var decoded = Assert.Single(ArchiveCodec.DecodeBatch(bytes));
        Assert.Equal("""{"seq":1,"note":"a b"}""", Encoding.UTF8.GetString(decoded.Payload));
    }

    [Fact]
    public void A_rejected_payload_that_is_not_utf8_is_kept_as_base64_with_its_reasons()
    {
        byte[] payload = [0xff, 0xfe, 0x00];
        var bytes = ArchiveCodec.EncodeRejected([new RejectedMessage(default, "t", ["BadJson: x"], payload)]);

        using var line = Assert.Single(ArchiveCodec.DecodeRejected(bytes));
        Assert.Equal(payload, line.RootElement.GetProperty("payloadBase64").GetBytesFromBase64());
        Assert.Equal("BadJson: x", line.RootElement.GetProperty("reasons")[0].GetString());
    }

    [Fact]
    public void A_rejected_payload_that_is_utf8_text_is_kept_as_a_readable_string()
    {
        var payload = Encoding.UTF8.GetBytes("{\"seq\": 1, \"note\": \"ünïcode \\u00e9 and <tags>\"");
        var bytes = ArchiveCodec.EncodeRejected([new RejectedMessage(default, "t", ["BadJson: x"], payload)]);

        using var line = Assert.Single(ArchiveCodec.DecodeRejected(bytes));
        Assert.Equal(Encoding.UTF8.GetString(payload), line.RootElement.GetProperty("payload").GetString());
    }

    [Theory]
    [InlineData("{\"a\":\"\\ud800\"}")]
    [InlineData("{not json \"\\uDC00\"")]
    public void A_rejected_payload_escaping_a_surrogate_is_kept_as_base64_so_parsing_it_again_cannot_fail(string payloadText)
    {
        var payload = Encoding.UTF8.GetBytes(payloadText);
        var bytes = ArchiveCodec.EncodeRejected([new RejectedMessage(default, "t", ["LoneSurrogate: x"], payload)]);

        ArchiveLines.Read(bytes);
        using var line = Assert.Single(ArchiveCodec.DecodeRejected(bytes));
        Assert.False(line.RootElement.TryGetProperty("payload", out _));
        Assert.Equal(payload, line.RootElement.GetProperty("payloadBase64").GetBytesFromBase64());
    }

    [Fact]
    public void A_topic_or_reason_holding_a_lone_surrogate_still_makes_a_valid_utf8_line()
    {
        var bytes = ArchiveCodec.EncodeRejected([new RejectedMessage(default, "evswap/v1/stations/\ud800/telemetry", ["BadJson: '\udc00'"], [0xff])]);

        using var line = JsonDocument.Parse(Assert.Single(ArchiveLines.Read(bytes)));
        Assert.Equal("evswap/v1/stations/\ufffd/telemetry", line.RootElement.GetProperty("topic").GetString());
        Assert.Equal("BadJson: '\ufffd'", line.RootElement.GetProperty("reasons")[0].GetString());
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xc3, 0x28, (byte)'"', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0', (byte)'"', (byte)'}' })]
    public void A_telemetry_payload_that_is_not_text_every_reader_takes_is_kept_as_base64_and_decodes_back(byte[] payload)
    {
        var good = Encoding.UTF8.GetBytes("{\"seq\":2,\"emoji\":\"\\ud83d\\ude00\"}");
        var bytes = ArchiveCodec.EncodeBatch([new BufferedMessage(1, 1, default, default, payload), new BufferedMessage(1, 2, default, default, good)]);

        var lines = ArchiveLines.Read(bytes);
        Assert.Contains("\"payloadBase64\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"payload\":{\"seq\":2,", lines[1], StringComparison.Ordinal);
        Assert.Equal([payload, good], ArchiveCodec.DecodeBatch(bytes).Select(m => m.Payload));
    }

    [Fact]
    public async Task Writing_the_same_key_twice_leaves_one_object_with_the_latest_bytes()
    {
        var store = new FileSystemArchiveStore(_root);
        await store.PutAsync("telemetry/v1/station=a/date=2026-11-24/1-1-2.ndjson.gz", new byte[] { 1 }, default);
        await store.PutAsync("telemetry/v1/station=a/date=2026-11-24/1-1-2.ndjson.gz", new byte[] { 2 }, default);

        var keys = await store.ListAsync("telemetry/", default).ToListAsync();
        Assert.Single(keys);
        Assert.Equal(new byte[] { 2 }, await store.GetAsync(keys[0], default));
    }

    [Fact]
    public async Task Listing_by_prefix_returns_only_that_station_and_date()
    {
        var store = new FileSystemArchiveStore(_root);
        var archive = new TelemetryArchive(store);
        foreach (var (station, day) in new[] { ("a", 24), ("a", 25), ("ab", 24), ("b", 24) })
        {
            await store.PutAsync(ArchiveKeys.Batch(station, new DateOnly(2026, 11, day), 1, 1, 1), new byte[] { 0 }, default);
        }

        var batches = await archive.ListBatchesAsync("a", new DateOnly(2026, 11, 24), new DateOnly(2026, 11, 24));

        Assert.Equal("a", Assert.Single(batches).StationId);
        Assert.Null(await store.GetAsync("telemetry/v1/missing", default));
    }

    [Fact]
    public async Task Listing_a_date_range_returns_the_batches_of_those_dates_from_one_listing_across_years()
    {
        var store = new FileSystemArchiveStore(_root);
        var archive = new TelemetryArchive(store);
        var dates = new[] { new DateOnly(2024, 1, 5), new DateOnly(2025, 6, 30), new DateOnly(2025, 7, 1), new DateOnly(2026, 11, 24) };
        foreach (var date in dates)
        {
            await store.PutAsync(ArchiveKeys.Batch("a", date, 1, date.DayNumber, date.DayNumber), new byte[] { 0 }, default);
        }

        await store.PutAsync(ArchiveKeys.Batch("ab", new DateOnly(2025, 7, 1), 1, 1, 1), new byte[] { 0 }, default);

        var middle = await archive.ListBatchesAsync("a", new DateOnly(2025, 6, 30), new DateOnly(2025, 7, 1));
        var onward = await archive.ListBatchesAsync("a", new DateOnly(2024, 1, 6), DateOnly.MaxValue);

        Assert.Equal(dates[1..3], middle.Select(b => b.Date));
        Assert.Equal(dates[1..], onward.Select(b => b.Date));
        Assert.All(onward, b => Assert.Equal("a", b.StationId));
    }

    [Fact]
    public async Task Listing_after_a_key_skips_exactly_the_keys_at_or_before_it()
    {
        var store = new FileSystemArchiveStore(_root);
        string[] keys = ["p/a/1", "p/a/2", "p/b/1", "p/bb/1", "p/c", "q/a"];
        foreach (var key in keys)
        {
            await store.PutAsync(key, new byte[] { 0 }, default);
        }

        foreach (var after in new[] { "p/", "p/a/1", "p/a/", "p/b/", "p/b/1", "p/bz", "p/c", "p/d" })
        {
            var expected = keys.Where(k => k.StartsWith("p/", StringComparison.Ordinal) && string.CompareOrdinal(k, after) > 0);
            Assert.Equal(expected, await store.ListAsync("p/", after, default).ToListAsync());
        }
    }
}
