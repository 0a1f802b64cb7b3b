using System.Text;
using EvSwap.Bridge;
using EvSwap.IngestLog;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EvSwap.UnitTests;

/// <summary>Survivors taking over the log folders of silos beside them under one root.</summary>
public sealed class PeerIngestLogTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "evswap-peers-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private FileSystemIngestLog Log(string name) => new(Path.Combine(_root, name), new IngestLogOptions(), _time, NullLogger<FileSystemIngestLog>.Instance);

    private static LogRecord Record(int i, DateTimeOffset at) => new(at, $"evswap/v1/stations/st-{i}/telemetry", Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"));

    [Fact]
    public async Task A_live_silos_log_is_held_and_a_crashed_silos_log_is_taken_with_its_records()
    {
        var survivor = Log("survivor");
        await survivor.OpenAsync(CancellationToken.None);
        var victim = Log("victim");
        await victim.OpenAsync(CancellationToken.None);
        await victim.Append(Record(1, _time.GetUtcNow())).WaitDurableAsync();
        await victim.Append(Record(2, _time.GetUtcNow())).WaitDurableAsync();

        Assert.Equal(["victim"], await survivor.ListPeerLogsAsync(CancellationToken.None));
        Assert.Equal(PeerLogState.Held, (await survivor.TryTakeOverAsync("victim", CancellationToken.None)).State);

        // A crash: the process is gone, its lock with it, its segments stay (an unclean close removes nothing).
        await victim.CloseAsync(DateTimeOffset.MinValue, stoppedCleanly: false);
        var takeover = await survivor.TryTakeOverAsync("victim", CancellationToken.None);

        Assert.Equal(PeerLogState.Taken, takeover.State);
        await using (var peer = takeover.Log!)
        {
            Assert.False(peer.StoppedCleanly);
            var records = (await peer.ReadAsync(Assert.Single(peer.Segments), CancellationToken.None)).Records;
            Assert.Equal(["evswap/v1/stations/st-1/telemetry", "evswap/v1/stations/st-2/telemetry"], records.Select(r => r.Topic));

            // A second survivor meanwhile finds it held.
            Assert.Equal(PeerLogState.Held, (await Log("third").TryTakeOverAsync("victim", CancellationToken.None)).State);
            await peer.RemoveAsync(peer.Segments[0], CancellationToken.None);
        }

        // Replayed and removed: nobody replays it again, and the folder is not brought back.
        Assert.Equal(PeerLogState.Gone, (await survivor.TryTakeOverAsync("victim", CancellationToken.None)).State);
        Assert.False(Directory.Exists(Path.Combine(_root, "victim")));
        await survivor.CloseAsync(DateTimeOffset.MaxValue, stoppedCleanly: true);
    }

    [Fact]
    public async Task A_clean_stop_that_keeps_records_for_other_silos_says_so_to_the_survivor()
    {
        var stopping = Log("stopping");
        await stopping.OpenAsync(CancellationToken.None);
        await stopping.Append(Record(1, _time.GetUtcNow())).WaitDurableAsync();
        await stopping.CloseAsync(DateTimeOffset.MinValue, stoppedCleanly: true);

        var takeover = await Log("survivor").TryTakeOverAsync("stopping", CancellationToken.None);

        await using var peer = takeover.Log!;
        Assert.True(peer.StoppedCleanly);
        Assert.Single(peer.Segments);
    }

    [Fact]
    public async Task A_clean_stop_with_nothing_left_to_keep_removes_the_log_so_survivors_find_it_gone()
    {
        var stopping = Log("stopping");
        await stopping.OpenAsync(CancellationToken.None);
        var at = _time.GetUtcNow();
        await stopping.Append(Record(1, at)).WaitDurableAsync();

        await stopping.CloseAsync(at.AddSeconds(1), stoppedCleanly: true);

        Assert.Equal(PeerLogState.Gone, (await Log("survivor").TryTakeOverAsync("stopping", CancellationToken.None)).State);
    }

    [Fact]
    public void A_message_handed_to_its_station_holds_the_log_for_the_grace_that_lets_other_silos_report_it()
    {
        var receipts = new InFlightReceipts(_time);
        var at = _time.GetUtcNow();
        receipts.Begin(at);
        receipts.End(at);

        Assert.True(receipts.IsIdle);
        Assert.Equal(at, receipts.Oldest());

        _time.Advance(InFlightReceipts.Grace);
        Assert.Null(receipts.Oldest());
    }
}
