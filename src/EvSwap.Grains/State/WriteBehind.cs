namespace EvSwap.Grains;

/// <summary>
/// When a grain's state is written behind its changes: a change only marks it, a timer writes it at most once an
/// interval and deactivation writes what is left. For indexes and statistics that heal from their sources after a
/// crash, where a storage write per change would cost more than the few seconds of changes a crash can take. A change
/// that nothing would heal (a key added that its source may never send again) is written sooner (<see cref="ChangedSoon"/>).
/// </summary>
/// <param name="write">Writes what changed; a write that throws leaves the state marked for the next try.</param>
/// <param name="writeSoon">
/// When given, what an early write stores instead of everything (the new keys alone); everything is then written at
/// the latest one interval after the last full write.
/// </param>
public sealed class WriteBehind(Func<CancellationToken, Task> write, TimeSpan interval, TimeProvider? time = null, Func<CancellationToken, Task>? writeSoon = null)
{
    /// <summary>
    /// How long an added key may wait for its write when the state is small: long enough that a burst of new keys (a
    /// fleet coming online) costs one write, not one each.
    /// </summary>
    public static readonly TimeSpan SoonDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Keys per <see cref="SoonDelay"/> between two early writes. While a fleet came online a shard of 10,000 keys was
    /// rewritten every second and the serializing cost grew with the square of the fleet; spaced by what a write
    /// carries, a burst costs in proportion to the keys it adds.
    /// </summary>
    public const int KeysPerSoonDelay = 1_000;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private bool _dirty;
    private bool _soon;
    private DateTimeOffset _written = DateTimeOffset.MinValue;
    private IGrainTimer? _timer;

    public bool IsDirty => _dirty;

    /// <summary>Marks the state as changed since its last write.</summary>
    public void Changed() => _dirty = true;

    /// <summary>
    /// Marks a change that must not wait for the interval: it is written <see cref="SoonDelay"/> from now, and no sooner
    /// than one <see cref="SoonDelay"/> per <see cref="KeysPerSoonDelay"/> keys after the last write, within the interval.
    /// </summary>
    /// <param name="keys">How many keys the early write carries: the whole state, or the new keys alone with <c>writeSoon</c>.</param>
    /// <returns>When the write is due from now; null when one is already brought forward.</returns>
    public TimeSpan? ChangedSoon(int keys)
    {
        _dirty = true;
        if (_soon)
        {
            return null;
        }

        var gap = SoonDelay * Math.Max(1, keys / KeysPerSoonDelay);
        var due = (gap < interval ? gap : interval) - (_time.GetUtcNow() - _written);
        due = due > SoonDelay ? due : SoonDelay;
        _soon = true;
        _timer?.Change(due, interval);
        return due;
    }

    /// <summary>Starts the periodic write; call from the grain's activation.</summary>
    public void Start(IGrainBase grain) =>
        _timer = grain.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = false });

    /// <summary>An early write of the new keys alone while the last full write is recent; otherwise <see cref="FlushAsync"/>.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        if (_soon && writeSoon is not null && _time.GetUtcNow() - _written < interval)
        {
            // Still dirty: the rest waits for the full write, at the latest an interval after the last one.
            _soon = false;
            await writeSoon(cancellationToken);
            return;
        }

        await FlushAsync(cancellationToken);
    }

    /// <summary>Writes the state if it changed. A failed write keeps it marked, so the next tick or the deactivation tries again.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        _soon = false;
        try
        {
            await write(cancellationToken);
            _written = _time.GetUtcNow();
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }
}
