using System.Runtime.CompilerServices;

namespace EvSwap.Archive;

/// <summary>The fallback of <see cref="IArchiveStore.ListAsync(string, string, CancellationToken)"/> for stores that cannot start a listing at a key.</summary>
internal static class ArchiveListing
{
    public static async IAsyncEnumerable<string> After(IAsyncEnumerable<string> keys, string startAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var key in keys.WithCancellation(cancellationToken))
        {
            if (string.CompareOrdinal(key, startAfter) > 0)
            {
                yield return key;
            }
        }
    }
}
