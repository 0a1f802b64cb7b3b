using System.Text;
using EvSwap.Archive;
using EvSwap.Bridge;
using EvSwap.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EvSwap.UnitTests;

public sealed class DeadLetterQueueTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "evswap-deadletters-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>The file-system store, refusing every write while <see cref="Down"/>, as S3 does when it is unreachable.</summary>
    private sealed class SwitchableStore(string root) : IArchiveStore
    {
        private readonly FileSystemArchiveStore _inner = new(root);

        public bool Down { get; set; }

        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
            Down ? throw new IOException("archive unavailable (test outage)") : _inner.PutAsync(key, content, cancellationToken);

        public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => _inner.GetAsync(key, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => _inner.ListAsync(prefix, cancellationToken);

        public Task CheckAsync(CancellationToken cancellationToken) => _inner.CheckAsync(cancellationToken);
    }

    private static RejectedMessage Rejected(int n, int payloadBytes = 1000) =>
        new(DateTimeOffset.UtcNow, $"evswap/v1/stations/dl-{n}/telemetry", ["bad-json: test"], Encoding.UTF8.GetBytes(new string('x', payloadBytes)));

    private DeadLetterQueue Queue(SwitchableStore store, long maxBytes) => new(
        new TelemetryArchive(store), BridgeIdentity.From("test-silo"),
        Options.Create(new ArchiveOptions { MaxRejectedBytesPerSilo = maxBytes }), NullLogger<DeadLetterQueue>.Instance);

    [Fact]
    public async Task While_the_archive_is_down_dead_letters_past_their_bound_are_refused_and_none_held_is_dropped()
    {
        var store = new SwitchableStore(_root) { Down = true };
        var queue = Queue(store, maxBytes: 5000);

        var taken = Enumerable.Range(0, 20).TakeWhile(n => queue.TryAdd(Rejected(n))).Count();
        // About 1.2 KB held each: a handful fit under 5,000 bytes, the rest are refused.
        Assert.InRange(taken, 1, 19);
        Assert.True(queue.PendingBytes <= queue.MaxBytes);
        Assert.False(await queue.FlushAsync(CancellationToken.None));
        Assert.Equal(taken, queue.Pending);
        Assert.False(queue.TryAdd(Rejected(99)));

        store.Down = false;
        Assert.True(await queue.FlushAsync(CancellationToken.None));
        Assert.Equal((0, 0L), (queue.Pending, queue.PendingBytes));
        Assert.True(queue.TryAdd(Rejected(taken)));
        Assert.True(await queue.FlushAsync(CancellationToken.None));

        var archived = await ArchiveContents.RejectedAsync(_root);
        Assert.Equal(Enumerable.Range(0, taken + 1).Select(n => $"evswap/v1/stations/dl-{n}/telemetry"), archived.Select(r => r.Topic).Order());
    }

    [Fact]
    public void An_empty_queue_takes_a_message_larger_than_its_bound_so_no_message_waits_forever()
    {
        var queue = Queue(new SwitchableStore(_root) { Down = true }, maxBytes: 2048);
        Assert.True(queue.TryAdd(Rejected(1, payloadBytes: 10_000)));
        Assert.False(queue.TryAdd(Rejected(2, payloadBytes: 10)));
    }
}
