using System.Runtime.InteropServices;
using Orleans.Storage;

namespace EvSwap.Grains;

/// <summary>
/// A grain's keyed items, held in memory and stored as chunks of at most <c>maxPerChunk</c> items each, so that no stored
/// item grows with the number of keys (DynamoDB refuses items over 400 KB; an index shard of a large fleet outgrew one).
/// A key's chunk is a stable hash of it; when a chunk would pass the bound, the chunk count doubles and every chunk is
/// written again under a new generation before the layout points at it, so a crash in between leaves the old generation
/// whole. Only chunks with a change are written.
/// </summary>
/// <remarks>
/// Items: <c>{name}.layout</c> (<see cref="ChunkLayout"/>) and <c>{name}.g{generation}.c{chunk}</c>
/// (<see cref="StateChunk{T}"/>), all under the grain's own id in its storage. Writes go through the grain's turn
/// (<see cref="WriteBehind"/>), so the items do not change under a write.
/// </remarks>
public sealed class ChunkedState<T>(IGrainStorage storage, string name, GrainId grainId, int maxPerChunk = ChunkedState<T>.DefaultMaxPerChunk)
{
    /// <summary>About 100-200 KB of index summaries before compression: well inside DynamoDB's 400 KB per item.</summary>
    public const int DefaultMaxPerChunk = 512;

    /// <summary>65,536 chunks: far past any fleet, and a bound on the growth loop should keys ever share one hash.</summary>
    private const int MaxBits = 16;

    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly HashSet<int> _dirty = [];
    private GrainState<ChunkLayout> _layout = new(new ChunkLayout());
    private GrainState<StateChunk<T>>[] _chunks = [new(new StateChunk<T>())];
    private int[] _counts = [0];
    private int _bits;
    private long _generation;
    private Func<Task>? _clearLegacy;
    private readonly NewKeyJournal<T> _journal = new(storage, name, grainId, maxPerChunk);

    public IReadOnlyDictionary<string, T> Items => _items;

    public int Count => _items.Count;

    /// <summary>How many chunks the items are stored in now.</summary>
    public int Chunks => _chunks.Length;

    /// <summary>Keys added since the last write of either kind: what <see cref="WriteNewKeysAsync"/> would write.</summary>
    public int NewKeys => _journal.Pending;

    /// <summary>Whether something loaded (from the journal or the single item of before) waits for its first write.</summary>
    public bool HasChanges => _dirty.Count > 0 || _clearLegacy is not null;

    /// <summary>
    /// Adds or replaces an item; its chunk is written with the next <see cref="WriteAsync"/>, and a new key also with
    /// the next <see cref="WriteNewKeysAsync"/>.
    /// </summary>
    /// <returns>True when the key is new.</returns>
    public bool Set(string key, T value)
    {
        var added = Put(key, value);
        if (added)
        {
            _journal.Added(key);
        }

        return added;
    }

    private bool Put(string key, T value)
    {
        var chunk = ChunkOf(key, _bits);
        ref var item = ref CollectionsMarshal.GetValueRefOrAddDefault(_items, key, out var existed);
        item = value;
        if (!existed)
        {
            _counts[chunk]++;
        }

        _dirty.Add(chunk);
        return !existed;
    }

    /// <summary>Stores the keys added since the last write in the journal, without writing the chunks they hash to.</summary>
    public Task WriteNewKeysAsync() => _journal.WriteAsync(_items);

    /// <summary>
    /// Reads the layout and every chunk of it. When nothing was ever stored in chunks, the items of the single-item state
    /// that held them before are taken over, written in chunks with the first write, and that item is then cleared.
    /// </summary>
    public async Task LoadAsync<TLegacy>(IPersistentState<TLegacy> legacy, Func<TLegacy, IReadOnlyDictionary<string, T>> legacyItems)
    {
        await storage.ReadStateAsync(LayoutName, grainId, _layout);
        var layout = _layout.State ?? new ChunkLayout();
        _generation = layout.Generation;
        _bits = System.Numerics.BitOperations.Log2((uint)Math.Max(1, layout.Chunks));
        _chunks = [.. Enumerable.Range(0, 1 << _bits).Select(_ => new GrainState<StateChunk<T>>(new StateChunk<T>()))];
        _counts = new int[_chunks.Length];
        await Task.WhenAll(_chunks.Select((chunk, i) => storage.ReadStateAsync(ChunkName(layout.Generation, i), grainId, chunk)));

        _items.Clear();
        for (var i = 0; i < _chunks.Length; i++)
        {
            foreach (var (key, value) in _chunks[i].State?.Items ?? [])
            {
                _items[key] = value;
                _counts[i]++;
            }

            // Kept for its ETag only: the items live in one dictionary.
            _chunks[i].State = new StateChunk<T>();
        }

        // Keys stored only in the journal when the silo stopped: into their chunks with the next full write.
        foreach (var (key, value) in await _journal.LoadAsync(_generation))
        {
            if (!_items.ContainsKey(key))
            {
                Put(key, value);
            }
        }

        if (!_layout.RecordExists && _items.Count == 0 && legacy.RecordExists && legacyItems(legacy.State) is { Count: > 0 } old)
        {
            foreach (var (key, value) in old)
            {
                Put(key, value);
            }

            _clearLegacy = () => legacy.ClearStateAsync();
        }
    }

    /// <summary>Writes the chunks with a change (all of them, in a new generation, when a chunk outgrew the bound).</summary>
    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        if (_bits < MaxBits && _counts.Any(c => c > maxPerChunk))
        {
            await GrowAsync();
        }
        else
        {
            var dirty = _dirty.Order().ToArray();
            var contents = Split(_bits, dirty);
            foreach (var chunk in dirty)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _chunks[chunk].State = contents[chunk];
                await storage.WriteStateAsync(ChunkName(_generation, chunk), grainId, _chunks[chunk]);
                _chunks[chunk].State = new StateChunk<T>();
                _dirty.Remove(chunk);
            }

            _journal.Reset(_generation);
        }

        if (_clearLegacy is { } clear)
        {
            await clear();
            _clearLegacy = null;
        }
    }

    private async Task GrowAsync()
    {
        var bits = _bits;
        StateChunk<T>[] contents;
        do
        {
            contents = Split(++bits, null);
        }
        while (bits < MaxBits && contents.Any(c => c.Items.Count > maxPerChunk));

        // A generation never used before: a growth that failed half-way leaves items nobody reads instead of ETags
        // that a retry would trip over.
        var generation = Random.Shared.NextInt64(1, long.MaxValue);
        var chunks = contents.Select(c => new GrainState<StateChunk<T>>(c)).ToArray();
        for (var i = 0; i < chunks.Length; i++)
        {
            await storage.WriteStateAsync(ChunkName(generation, i), grainId, chunks[i]);
            chunks[i].State = new StateChunk<T>();
        }

        var previous = (Generation: _generation, Chunks: _chunks);
        _layout.State = new ChunkLayout { Generation = generation, Chunks = chunks.Length };
        await storage.WriteStateAsync(LayoutName, grainId, _layout);

        _generation = generation;
        _bits = bits;
        _chunks = chunks;
        _counts = [.. contents.Select(c => c.Items.Count)];
        _dirty.Clear();
        _journal.Reset(generation);
        for (var i = 0; i < previous.Chunks.Length; i++)
        {
            if (previous.Chunks[i].ETag is null)
            {
                // Never stored: clearing it would leave a tombstone where nothing was.
                continue;
            }

            try
            {
                await storage.ClearStateAsync(ChunkName(previous.Generation, i), grainId, previous.Chunks[i]);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The layout no longer names it: a chunk left behind is never read, only stored.
            }
        }
    }

    /// <summary>The items of each chunk at <paramref name="bits"/>; only the chunks named, when some are.</summary>
    private StateChunk<T>[] Split(int bits, int[]? only)
    {
        var chunks = new StateChunk<T>[1 << bits];
        foreach (var i in only ?? Enumerable.Range(0, chunks.Length))
        {
            chunks[i] = new StateChunk<T>();
        }

        foreach (var (key, value) in _items)
        {
            chunks[ChunkOf(key, bits)]?.Items.Add(key, value);
        }

        return chunks;
    }

    private string LayoutName => name + ".layout";

    private string ChunkName(long generation, int chunk) => $"{name}.g{generation}.c{chunk}";

    /// <summary>
    /// The top <paramref name="bits"/> bits of a mixed FNV-1a hash: stable across processes (unlike
    /// <see cref="string.GetHashCode()"/>), and independent of the shard choice, which takes the low bits of the unmixed hash.
    /// </summary>
    internal static int ChunkOf(string key, int bits)
    {
        if (bits == 0)
        {
            return 0;
        }

        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        // MurmurHash3's finalizer: every input bit reaches the top bits.
        hash ^= hash >> 16;
        hash *= 0x85ebca6bu;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35u;
        hash ^= hash >> 16;
        return (int)(hash >> (32 - bits));
    }
}
