using EvSwap.Archive;

namespace EvSwap.Testing;

/// <summary>A file-system archive that refuses every write while <see cref="Down"/>, as S3 does when it is unreachable.</summary>
public sealed class OutageArchiveStore(string root) : IArchiveStore
{
    private readonly FileSystemArchiveStore _inner = new(root);
    private volatile bool _down;

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        _down ? throw new IOException("archive unavailable (test outage)") : _inner.PutAsync(key, content, cancellationToken);

    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => _inner.GetAsync(key, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => _inner.ListAsync(prefix, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, string startAfter, CancellationToken cancellationToken) => _inner.ListAsync(prefix, startAfter, cancellationToken);

    public Task CheckAsync(CancellationToken cancellationToken) =>
        _down ? throw new IOException("archive unavailable (test outage)") : _inner.CheckAsync(cancellationToken);
}
