namespace EvSwap.Grains;

/// <summary>One grain-storage item written behind its changes (<see cref="WriteBehind"/>): for state whose size does not grow with the fleet.</summary>
public sealed class WriteBehindState<T>(IPersistentState<T> stored, TimeSpan interval, TimeProvider? time = null)
{
    private readonly WriteBehind _writes = new(stored.WriteStateAsync, interval, time);

    public T State => stored.State;

    public bool IsDirty => _writes.IsDirty;

    /// <inheritdoc cref="WriteBehind.Changed"/>
    public void Changed() => _writes.Changed();

    /// <inheritdoc cref="WriteBehind.ChangedSoon"/>
    public TimeSpan? ChangedSoon(int keys) => _writes.ChangedSoon(keys);

    /// <inheritdoc cref="WriteBehind.Start"/>
    public void Start(IGrainBase grain) => _writes.Start(grain);

    /// <inheritdoc cref="WriteBehind.FlushAsync"/>
    public Task FlushAsync(CancellationToken cancellationToken) => _writes.FlushAsync(cancellationToken);
}
