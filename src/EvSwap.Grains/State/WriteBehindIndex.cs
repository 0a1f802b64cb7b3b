using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace EvSwap.Grains;

/// <summary>
/// An index grain's keyed summaries: held in memory, stored in bounded chunks (<see cref="ChunkedState{T}"/>) and
/// written behind their changes (<see cref="WriteBehind"/>). A new key is stored within a second, in the journal of new
/// keys, because its source may never send it again; a changed one waits for the next full write, every 30 s at most.
/// </summary>
public sealed class WriteBehindIndex<T>
{
    private static readonly TimeSpan PersistInterval = TimeSpan.FromSeconds(30);

    private readonly IGrainStorage _storage;
    private readonly string _name;
    private readonly WriteBehind _writes;
    private ChunkedState<T> _items = null!;

    /// <param name="storageName">The grain storage, by its registered name, that holds the items.</param>
    /// <param name="name">Prefix of the items' names, and the state name of the single item the index was kept in before.</param>
    public WriteBehindIndex(IServiceProvider services, string storageName, string name, TimeProvider time)
    {
        _storage = services.GetRequiredKeyedService<IGrainStorage>(storageName);
        _name = name;
        _writes = new WriteBehind(ct => _items.WriteAsync(ct), PersistInterval, time, _ => _items.WriteNewKeysAsync());
    }

    public IReadOnlyDictionary<string, T> Items => _items.Items;

    /// <summary>Loads the items, taking over those of the single item of before, and starts the periodic write.</summary>
    public async Task ActivateAsync<TLegacy>(Grain grain, IPersistentState<TLegacy> legacy, Func<TLegacy, IReadOnlyDictionary<string, T>> legacyItems)
    {
        _items = new ChunkedState<T>(_storage, _name, grain.GetGrainId());
        await _items.LoadAsync(legacy, legacyItems);
        if (_items.HasChanges)
        {
            _writes.Changed();
        }

        _writes.Start(grain);
    }

    /// <summary>Adds or replaces a summary and schedules its write.</summary>
    /// <returns>True when the key is new.</returns>
    public bool Set(string key, T value)
    {
        var added = _items.Set(key, value);
        if (added)
        {
            _writes.ChangedSoon(_items.NewKeys);
        }
        else
        {
            _writes.Changed();
        }

        return added;
    }

    /// <summary>Writes what is left; call from deactivation.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _writes.FlushAsync(cancellationToken);
}
