namespace EvSwap.Archive;

/// <summary>
/// A flat key/object store: the only thing an archive backend (directory, S3) must provide.
/// Keys use '/' separators; listing is by prefix so reads never scan the whole archive.
/// </summary>
public interface IArchiveStore
{
    /// <summary>Writes the whole object, replacing any object with the same key.</summary>
    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>The object's bytes, or null when there is no such key.</summary>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every key starting with the prefix, in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Throws when the store cannot be reached or written; used by the readiness check.</summary>
    Task CheckAsync(CancellationToken cancellationToken);
}
