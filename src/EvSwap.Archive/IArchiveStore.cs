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

    /// <summary>
    /// Every key starting with the prefix and ordinally after <paramref name="startAfter"/>, in ordinal order. A reader
    /// that needs the keys from some date on asks for them here instead of listing day by day, so its cost follows the
    /// number of keys, not the number of days. Stores that can start a listing at a key (S3's marker) override this;
    /// the fallback lists the whole prefix and skips.
    /// </summary>
    IAsyncEnumerable<string> ListAsync(string prefix, string startAfter, CancellationToken cancellationToken) =>
        ArchiveListing.After(ListAsync(prefix, cancellationToken), startAfter, cancellationToken);

    /// <summary>Throws when the store cannot be reached or written; used by the readiness check.</summary>
    Task CheckAsync(CancellationToken cancellationToken);
}
