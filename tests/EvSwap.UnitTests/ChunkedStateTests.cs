using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Grains;
using Orleans.Storage;

namespace EvSwap.UnitTests;

/// <summary>An index's items stored as bounded chunks: nothing stored grows with the keys, and nothing is lost on the way.</summary>
public sealed class ChunkedStateTests
{
    private static readonly GrainId Grain = GrainId.Create("fleet-shard", "3");
    private readonly InProcessStateStore _store = new();
    private readonly CountingStorage _storage;

    public ChunkedStateTests() => _storage = new CountingStorage(new InProcessGrainStorage("evswap", _store, new JsonGrainStorageSerializer()));

    [Fact]
    public async Task Items_survive_a_reload_and_no_stored_chunk_holds_more_than_the_bound()
    {
        var state = await LoadAsync(maxPerChunk: 100);
        for (var i = 0; i < 2_000; i++)
        {
            state.Set($"st-{i:D5}", $"summary {i}");
        }

        await state.WriteAsync(CancellationToken.None);

        Assert.True(state.Chunks >= 20, $"{state.Chunks} chunks for 2,000 items of at most 100");
        Assert.All(StoredChunks(), chunk => Assert.InRange(chunk.Count, 1, 100));
        Assert.Equal(2_000, StoredChunks().Sum(c => c.Count));

        var reloaded = await LoadAsync(maxPerChunk: 100);
        Assert.Equal(2_000, reloaded.Count);
        Assert.Equal(state.Chunks, reloaded.Chunks);
        Assert.Equal("summary 1234", reloaded.Items["st-01234"]);
    }

    [Fact]
    public async Task Only_the_chunk_of_a_changed_item_is_written_again()
    {
        var state = await LoadAsync(maxPerChunk: 100);
        Fill(state, 0, 1_000, "v1");

        await state.WriteAsync(CancellationToken.None);
        _storage.Writes.Clear();

        Assert.False(state.Set("st-00007", "v2"));
        await state.WriteAsync(CancellationToken.None);

        var written = Assert.Single(_storage.Writes);
        Assert.Contains(".c", written);
        Assert.Equal("v2", (await LoadAsync(maxPerChunk: 100)).Items["st-00007"]);
    }

    [Fact]
    public async Task A_growth_leaves_only_the_new_generation_stored()
    {
        var state = await OneStoredChunkAsync();
        Assert.Equal(1, state.Chunks);

        Fill(state, 40, 400, "v");

        await state.WriteAsync(CancellationToken.None);

        // The layout and the chunks it names, nothing of the single chunk before (a cleared item is gone here).
        Assert.True(state.Chunks >= 8);
        Assert.Equal(state.Chunks + 1, _store.Items.Count);
        Assert.Equal(400, (await LoadAsync(maxPerChunk: 50)).Count);
    }

    [Fact]
    public async Task A_growth_that_fails_before_its_layout_is_written_leaves_the_stored_items_as_they_were_and_succeeds_on_retry()
    {
        var state = await OneStoredChunkAsync();
        Fill(state, 40, 400, "v");

        _storage.FailWritesOf = ".layout";
        await Assert.ThrowsAsync<IOException>(() => state.WriteAsync(CancellationToken.None));
        Assert.Equal(40, (await LoadAsync(maxPerChunk: 50)).Count);

        _storage.FailWritesOf = null;
        await state.WriteAsync(CancellationToken.None);
        Assert.Equal(400, (await LoadAsync(maxPerChunk: 50)).Count);
    }

    [Fact]
    public async Task A_shard_stored_as_one_item_is_taken_over_and_that_item_cleared_after_the_first_write()
    {
        var legacy = new LegacyState(new Dictionary<string, string> { ["st-1"] = "a", ["st-2"] = "b" });

        var state = new ChunkedState<string>(_storage, "fleet-shard", Grain);
        await state.LoadAsync(legacy, items => items);
        Assert.Equal(["st-1", "st-2"], state.Items.Keys.Order());
        Assert.False(legacy.Cleared);

        await state.WriteAsync(CancellationToken.None);
        Assert.True(legacy.Cleared);
        Assert.Equal(2, (await LoadAsync(maxPerChunk: 512)).Count);
    }

    [Fact]
    public async Task A_new_key_is_stored_in_the_journal_alone_and_a_reload_finds_it_there()
    {
        var state = await LoadAsync(maxPerChunk: 100);
        Fill(state, 0, 1_000, "v");

        await state.WriteAsync(CancellationToken.None);
        Assert.Equal(0, state.NewKeys);
        _storage.Writes.Clear();

        state.Set("st-new-1", "fresh");
        state.Set("st-00001", "changed");
        Assert.Equal(1, state.NewKeys);
        await state.WriteNewKeysAsync();

        // One journal item with the new key; the chunks it and the changed key hash to wait for the full write.
        Assert.Equal([".j0"], _storage.Writes.Select(w => w[w.LastIndexOf('.')..]));
        var reloaded = await LoadAsync(maxPerChunk: 100);
        Assert.Equal(("fresh", "v"), (reloaded.Items["st-new-1"], reloaded.Items["st-00001"]));
        Assert.True(reloaded.HasChanges);

        // After a full write the journal starts again from its first item, over the one stored before.
        await state.WriteAsync(CancellationToken.None);
        state.Set("st-new-2", "fresh");
        await state.WriteNewKeysAsync();
        var again = await LoadAsync(maxPerChunk: 100);
        Assert.Equal(1_002, again.Count);
        Assert.Equal("changed", again.Items["st-00001"]);
    }

    [Fact]
    public async Task A_journal_left_behind_never_brings_back_an_older_value()
    {
        var state = await LoadAsync(maxPerChunk: 100);
        state.Set("st-1", "first");
        await state.WriteNewKeysAsync();
        await state.WriteAsync(CancellationToken.None);
        state.Set("st-1", "second");
        await state.WriteAsync(CancellationToken.None);

        var reloaded = await LoadAsync(maxPerChunk: 100);
        Assert.Equal("second", reloaded.Items["st-1"]);
        Assert.False(reloaded.HasChanges);
    }

    [Fact]
    public void A_keys_chunk_is_stable_and_the_keys_of_one_shard_spread_over_every_chunk()
    {
        var keys = Enumerable.Range(0, 100_000).Select(i => $"st-{i:D6}").Where(k => FleetIndex.ShardOf(k, 16) == 3).ToList();

        var counts = new int[16];
        foreach (var key in keys)
        {
            counts[ChunkedState<string>.ChunkOf(key, 4)]++;
        }

        Assert.Equal(ChunkedState<string>.ChunkOf("st-000042", 4), ChunkedState<string>.ChunkOf("st-000042", 4));
        var mean = keys.Count / 16.0;
        Assert.All(counts, c => Assert.InRange(c, mean * 0.8, mean * 1.2));
    }

    /// <summary>40 keys stored in one chunk of at most 50, ready to outgrow it.</summary>
    private async Task<ChunkedState<string>> OneStoredChunkAsync()
    {
        var state = await LoadAsync(maxPerChunk: 50);
        Fill(state, 0, 40, "v");
        await state.WriteAsync(CancellationToken.None);
        return state;
    }

    /// <summary>Keys st-{from} up to st-{to}, exclusive.</summary>
    private static void Fill(ChunkedState<string> state, int from, int to, string value)
    {
        for (var i = from; i < to; i++)
        {
            state.Set($"st-{i:D5}", value);
        }
    }

    private async Task<ChunkedState<string>> LoadAsync(int maxPerChunk)
    {
        var state = new ChunkedState<string>(_storage, "fleet-shard", Grain, maxPerChunk);
        await state.LoadAsync(new LegacyState(new()), items => items);
        return state;
    }

    private List<Dictionary<string, string>> StoredChunks() =>
        [.. _store.Items.Where(i => i.Key.Contains(".c", StringComparison.Ordinal))
            .Select(i => JsonSerializer.Deserialize<StateChunk<string>>(i.Value.State.ToArray())!.Items)];

    /// <summary>Passes every call to the store, names the items written and fails the writes it is told to.</summary>
    private sealed class CountingStorage(IGrainStorage inner) : IGrainStorage
    {
        public List<string> Writes { get; } = [];

        public string? FailWritesOf { get; set; }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (FailWritesOf is { } failing && stateName.EndsWith(failing, StringComparison.Ordinal))
            {
                throw new IOException("store unavailable");
            }

            Writes.Add(stateName);
            return inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }

    private sealed class LegacyState(Dictionary<string, string> items) : IPersistentState<IReadOnlyDictionary<string, string>>
    {
        public bool Cleared { get; private set; }

        public IReadOnlyDictionary<string, string> State { get; set; } = items;

        public string? Etag => null;

        public bool RecordExists => items.Count > 0 && !Cleared;

        public Task ClearStateAsync()
        {
            Cleared = true;
            return Task.CompletedTask;
        }

        public Task ReadStateAsync() => Task.CompletedTask;

        public Task WriteStateAsync() => Task.CompletedTask;
    }
}
