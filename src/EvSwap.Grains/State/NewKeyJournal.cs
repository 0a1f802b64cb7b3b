using Orleans.Storage;

namespace EvSwap.Grains;

/// <summary>
/// The keys a <see cref="ChunkedState{T}"/> gained since its last full write, stored on their own in chunks of bounded
/// size (<c>{name}.g{generation}.j{n}</c>), so that a new key is durable within a second without writing the chunks it
/// hashes to. While a fleet comes online every chunk gains keys every second, and writing them all each time cost a
/// docking silo about a tenth of its CPU; the journal writes only what was added.
/// </summary>
/// <remarks>
/// Journal chunks are written from the first one after every full write and never cleared: an older one left behind
/// only names keys that a full write has since stored in their chunks, and a load takes from the journal only keys
/// its chunks lack.
/// </remarks>
public sealed class NewKeyJournal<T>(IGrainStorage storage, string name, GrainId grainId, int maxPerChunk)
{
    private readonly List<string> _keys = [];
    private readonly List<GrainState<StateChunk<T>>> _stored = [];
    private int _written;
    private long _generation;

    /// <summary>Keys added and not yet in the journal.</summary>
    public int Pending => _keys.Count - _written;

    public void Added(string key) => _keys.Add(key);

    /// <summary>Reads the journal of a generation: every chunk up to the first that was never written.</summary>
    public async Task<List<KeyValuePair<string, T>>> LoadAsync(long generation)
    {
        Reset(generation);
        var found = new List<KeyValuePair<string, T>>();
        while (true)
        {
            var chunk = new GrainState<StateChunk<T>>(new StateChunk<T>());
            await storage.ReadStateAsync(ChunkName(_stored.Count), grainId, chunk);
            if (!chunk.RecordExists)
            {
                return found;
            }

            found.AddRange(chunk.State?.Items ?? []);
            chunk.State = new StateChunk<T>();
            _stored.Add(chunk);
        }
    }

    /// <summary>Writes the journal chunks that hold keys added since the last call, with their values now.</summary>
    public async Task WriteAsync(IReadOnlyDictionary<string, T> items)
    {
        for (var n = _written / maxPerChunk; n * maxPerChunk < _keys.Count; n++)
        {
            if (n == _stored.Count)
            {
                _stored.Add(new GrainState<StateChunk<T>>(new StateChunk<T>()));
            }

            var chunk = _stored[n];
            var contents = new StateChunk<T>();
            for (var i = n * maxPerChunk; i < Math.Min(_keys.Count, (n + 1) * maxPerChunk); i++)
            {
                contents.Items[_keys[i]] = items[_keys[i]];
            }

            chunk.State = contents;
            await storage.WriteStateAsync(ChunkName(n), grainId, chunk);
            chunk.State = new StateChunk<T>();
        }

        _written = _keys.Count;
    }

    /// <summary>After a full write every key is in its chunk: the journal starts again from its first chunk.</summary>
    public void Reset(long generation)
    {
        if (generation != _generation)
        {
            // Another generation's journal has other item names; their ETags do not carry over.
            _stored.Clear();
            _generation = generation;
        }

        _keys.Clear();
        _written = 0;
    }

    private string ChunkName(int n) => $"{name}.g{_generation}.j{n}";
}
