namespace EvSwap.Grains;

/// <summary>
/// Grain state written behind its changes: a change only marks it, a timer writes it at most once an interval and
/// deactivation writes what is left. For indexes and statistics that heal from their sources after a crash, where
/// a storage write per change would cost more than the few seconds of changes a crash can take. A change that
/// nothing would heal (a key added that its source may never send again) is written within <see cref="SoonDelay"/>.
/// </summary>
public sealed class WriteBehindState<T>(IPersistentState<T> stored, TimeSpan interval)
{
    /// <summary>
    /// How long an added key may wait for its write: long enough that a burst of new keys (a fleet coming online) costs
    /// one write, not one each.
    /// </summary>
    public static readonly TimeSpan SoonDelay = TimeSpan.FromSeconds(1);

    private bool _dirty;
    private bool _soon;
    private IGrainTimer? _timer;

    public T State => stored.State;

    public bool IsDirty => _dirty;

    /// <summary>Marks the state as changed since its last write.</summary>
    public void Changed() => _dirty = true;

    /// <summary>Marks a change that must not wait for the interval: it is written within <see cref="SoonDelay"/>.</summary>
    public void ChangedSoon()
    {
        _dirty = true;
        if (!_soon && _timer is not null)
        {
            _soon = true;
            _timer.Change(SoonDelay, interval);
        }
    }

    /// <summary>Starts the periodic write; call from the grain's activation.</summary>
    public void Start(IGrainBase grain) =>
        _timer = grain.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = false });

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
            await stored.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }
}
