using EvSwap.Archive;
using EvSwap.Grains;

namespace EvSwap.UnitTests;

public class TelemetryBufferTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static BufferedMessage Msg(long seq, long boot = 1, int bytes = 100, DateTimeOffset? ts = null) =>
        new(boot, seq, ts ?? T0.AddSeconds(seq), T0.AddSeconds(seq), new byte[bytes]);

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
        Assert.Equal("telemetry/v1/station=st-1/date=2026-11-24/1-1-1.ndjson.gz", buffer.PeekSealed().Key);
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
}
