using System.IO.Compression;
using System.Text;
using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Grains;

namespace EvSwap.UnitTests;

public class TelemetryBufferTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A minimal valid payload padded with JSON whitespace to exactly <paramref name="bytes"/>.</summary>
    private static BufferedMessage Msg(long seq, long boot = 1, int bytes = 100, DateTimeOffset? ts = null)
    {
        var at = ts ?? T0.AddSeconds(seq);
        var json = $$"""{"stationId":"st-1","boot":{{boot}},"seq":{{seq}},"ts":"{{at:O}}"}""";
        return new(boot, seq, at, at, Encoding.UTF8.GetBytes(json.PadRight(bytes)));
    }

    /// <summary>A realistic snapshot: 16 slots whose readings move a little from one message to the next.</summary>
    private static BufferedMessage Snapshot(long seq)
    {
        var message = Samples.Message(stationId: "st-1", boot: 1, seq: seq, ts: T0.AddSeconds(5 * seq), slots:
            [.. Enumerable.Range(1, 16).Select(slot => new SlotReading
            {
                Slot = slot, State = SlotStates.Charging, BatteryId = $"bat-{slot * 7919 % 100000:D6}",
                SocPct = Math.Round(20 + (slot * 5 + seq * 0.3) % 80, 1), TempC = Math.Round(25 + (slot + seq * 0.1) % 15, 1), SohPct = 90 + slot % 8, Cycles = 300 + slot * 11,
            })]);
        return new(1, seq, message.Ts, message.Ts.AddMilliseconds(40), Samples.Json(message));
    }

    private static TelemetryBuffer Buffer(int messages = 100, int bytes = 1 << 20, TimeSpan? age = null) =>
        new(new ArchiveOptions { MaxBatchMessages = messages, MaxBatchBytes = bytes, MaxBatchAge = age ?? TimeSpan.FromMinutes(20) });

    [Fact]
    public void A_batch_is_sealed_when_it_reaches_max_messages()
    {
        var buffer = Buffer(messages: 3);
        for (var seq = 1; seq <= 4; seq++)
        {
            buffer.Add("st-1", Msg(seq), T0);
        }

        Assert.Equal(1, buffer.SealedCount);
        Assert.Equal((1L, 3L), (buffer.PeekSealed().FirstSeq, buffer.PeekSealed().LastSeq));
        Assert.Equal(1, buffer.OpenCount);
    }

    [Fact]
    public void Late_messages_join_the_open_batch_and_the_batch_knows_exactly_which_numbers_it_holds()
    {
        var buffer = Buffer(messages: 4);
        foreach (var seq in new long[] { 1, 3, 5, 2 })
        {
            buffer.Add("st-1", Msg(seq), T0);
        }

        Assert.True(buffer.Contains(1, 2));
        Assert.False(buffer.Contains(1, 4));
        var batch = buffer.PeekSealed();
        Assert.Equal([new SeqRange(1, 3), new SeqRange(5, 5)], batch.Seqs);
        Assert.Equal(ArchiveKeys.Batch("st-1", batch.Date, 1, [new(1, 3), new(5, 5)], new(new(12, 0, 1), new(12, 0, 5))), batch.Key);
        Assert.Equal([1L, 3L, 5L, 2L], ArchiveCodec.DecodeBatch(batch.Content).Select(m => TelemetryArchive.ToArchived(m).Seq));

        buffer.CompleteSealed();
        Assert.False(buffer.Contains(1, 2));
    }

    [Fact]
    public void A_batch_is_sealed_when_it_reaches_max_bytes()
    {
        var buffer = Buffer(bytes: 2048);
        buffer.Add("st-1", Msg(1, bytes: 1500), T0);
        Assert.False(buffer.HasSealed);
        buffer.Add("st-1", Msg(2, bytes: 1500), T0);
        Assert.True(buffer.HasSealed);
    }

    [Fact]
    public void A_batch_is_sealed_once_it_is_older_than_max_age()
    {
        var buffer = Buffer(age: TimeSpan.FromMinutes(20));
        buffer.Add("st-1", Msg(1), T0);

        buffer.SealIfOlderThanMaxAge(T0.AddMinutes(19));
        Assert.False(buffer.HasSealed);
        buffer.SealIfOlderThanMaxAge(T0.AddMinutes(20));
        Assert.True(buffer.HasSealed);
    }

    [Fact]
    public void A_new_boot_starts_a_new_batch_so_each_object_holds_one_boot()
    {
        var buffer = Buffer();
        buffer.Add("st-1", Msg(41, boot: 1), T0);
        buffer.Add("st-1", Msg(0, boot: 2), T0);

        Assert.Equal(1, buffer.SealedCount);
        Assert.Equal(1, buffer.PeekSealed().Boot);
    }

    [Fact]
    public void A_new_utc_date_starts_a_new_batch_so_each_object_sits_in_its_date_partition()
    {
        var buffer = Buffer();
        buffer.Add("st-1", Msg(1, ts: new DateTimeOffset(2026, 11, 24, 23, 59, 59, TimeSpan.Zero)), T0);
        buffer.Add("st-1", Msg(2, ts: new DateTimeOffset(2026, 11, 25, 0, 0, 1, TimeSpan.Zero)), T0);

        Assert.Equal(new DateOnly(2026, 11, 24), buffer.PeekSealed().Date);
        Assert.Equal("telemetry/v1/station=st-1/date=2026-11-24/1-1-1.t235959-235959.ndjson.gz", buffer.PeekSealed().Key);
    }

    [Fact]
    public void Pending_bytes_fall_only_when_the_archive_confirms_a_batch()
    {
        var buffer = Buffer(messages: 2);
        buffer.Add("st-1", Msg(1), T0);
        buffer.Add("st-1", Msg(2), T0);
        Assert.Equal(200, buffer.PendingBytes);

        buffer.CompleteSealed();
        Assert.Equal(0, buffer.PendingBytes);
        Assert.False(buffer.HasSealed);
    }

    [Fact]
    public void The_snapshot_holds_sealed_and_open_messages_in_order()
    {
        var buffer = Buffer(messages: 2);
        for (var seq = 1; seq <= 3; seq++)
        {
            buffer.Add("st-1", Msg(seq), T0);
        }

        Assert.Equal([1L, 2L, 3L], buffer.Snapshot().Select(m => m.Seq));
    }

    [Fact]
    public void The_open_batch_is_held_compressed_in_chunks_and_its_snapshot_returns_every_payload_unchanged()
    {
        var buffer = Buffer(messages: 500);
        var messages = Enumerable.Range(1, 240).Select(seq => Snapshot(seq)).ToList();
        foreach (var m in messages)
        {
            buffer.Add("st-1", m, T0);
        }

        // Memory held is a fraction of the raw bytes that the bound still counts.
        Assert.Equal(messages.Sum(m => (long)m.Payload.Length), buffer.PendingBytes);
        Assert.True(buffer.HeldBytes * 4 < buffer.PendingBytes, $"held {buffer.HeldBytes} of {buffer.PendingBytes} raw bytes");
        Assert.Equal(messages.Select(m => Encoding.UTF8.GetString(m.Payload)), buffer.Snapshot().Select(m => m.Payload));
        Assert.Equal(messages.Select(m => m.Seq), buffer.Snapshot().Select(m => m.Seq));
    }

    [Fact]
    public void A_batch_sealed_from_several_chunks_is_one_gzip_object_with_every_message_in_order()
    {
        var buffer = Buffer(messages: 50);
        var messages = Enumerable.Range(1, 50).Select(seq => Snapshot(seq)).ToList();
        foreach (var m in messages)
        {
            buffer.Add("st-1", m, T0);
        }

        var batch = buffer.PeekSealed();
        Assert.Equal((1L, 50L, 50, "telemetry/v1/station=st-1/date=2026-11-24/1-1-50.t120005-120410.ndjson.gz"), (batch.FirstSeq, batch.LastSeq, batch.Count, batch.Key));

        // The object is recompressed as one gzip stream, smaller than the chunks it was held as, and reads back line
        // for line.
        var chunked = messages.Chunk(TelemetryBuffer.ChunkMessages).Sum(c => ArchiveCodec.EncodeBatch(c).Length);
        Assert.True(batch.Content.Length < chunked, $"object {batch.Content.Length} B, chunks {chunked} B");
        using var gunzip = new StreamReader(new GZipStream(new MemoryStream(batch.Content), CompressionMode.Decompress));
        Assert.Equal(50, gunzip.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(messages.Select(m => Encoding.UTF8.GetString(m.Payload)), ArchiveCodec.DecodeBatch(batch.Content).Select(m => Encoding.UTF8.GetString(m.Payload)));
    }
}
