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
    private readonly List<(long Write, TaskCompletionSource Stored)> _waiting = [];
    private ChunkedState<T> _items = null!;
    private long _started;
    private long _storedThrough;

    /// <param name="storageName">The grain storage, by its registered name, that holds the items.</param>
    /// <param name="name">Prefix of the items' names, and the state name of the single item the index was kept in before.</param>
    public WriteBehindIndex(IServiceProvider services, string storageName, string name, TimeProvider time)
    {
        _storage = services.GetRequiredKeyedService<IGrainStorage>(storageName);
        _name = name;
        _writes = new WriteBehind(ct => Counted(() => _items.WriteAsync(ct)), PersistInterval, time, _ => Counted(() => _items.WriteNewKeysAsync()));
    }

    /// <summary>
    /// The number of the next write: once it is stored, so is every change made before it, for callers that must not go
    /// on before their change is durable (<see cref="WhenStoredAsync"/>).
    /// </summary>
    public long NextWrite => _started + 1;

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

    /// <summary>Brings the next write forward, for a caller that waits for it although it changed nothing new.</summary>
    public void WriteSoon() => _writes.ChangedSoon(_items.NewKeys);

    /// <summary>
    /// Completes once write <paramref name="write"/> (<see cref="NextWrite"/> when the change was made) or a later one
    /// is stored; fails when that write fails, so the caller tries again rather than wait for the next interval.
    /// </summary>
    public Task WhenStoredAsync(long write)
    {
        if (write <= _storedThrough)
        {
            return Task.CompletedTask;
        }

        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((write, stored));
        return stored.Task;
    }

    private async Task Counted(Func<Task> write)
    {
        var number = ++_started;
        try
        {
            await write();
        }
        catch (Exception ex)
        {
            Release(number, stored => stored.TrySetException(ex));
            throw;
        }

        _storedThrough = number;
        Release(number, stored => stored.TrySetResult());
    }

    private void Release(long through, Action<TaskCompletionSource> release)
    {
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            if (_waiting[i].Write <= through)
            {
                release(_waiting[i].Stored);
                _waiting.RemoveAt(i);
            }
        }
    }

    /// <summary>Writes what is left; call from deactivation.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _writes.FlushAsync(cancellationToken);
}
