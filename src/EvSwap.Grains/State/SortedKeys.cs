namespace EvSwap.Grains;

/// <summary>
/// The ordinal order of a dictionary's keys, kept until a key is added or removed, so that paging through an index
/// shard with an "after" cursor is a binary search rather than a sort per page.
/// </summary>
public sealed class SortedKeys
{
    private string[]? _keys;

    /// <summary>Forgets the order; call when a key was added or removed.</summary>
    public void Invalidate() => _keys = null;

    public string[] Of<TValue>(IReadOnlyDictionary<string, TValue> source)
    {
        if (_keys is null)
        {
            _keys = [.. source.Keys];
            Array.Sort(_keys, StringComparer.Ordinal);
        }

        return _keys;
    }

    /// <summary>The index of the first key after <paramref name="after"/> (or of <paramref name="after"/> itself when <paramref name="inclusive"/>).</summary>
    public static int Start(string[] keys, string? after, bool inclusive = false)
    {
        if (after is null)
        {
            return 0;
        }

        var i = Array.BinarySearch(keys, after, StringComparer.Ordinal);
        return i >= 0 ? (inclusive ? i : i + 1) : ~i;
    }
}
