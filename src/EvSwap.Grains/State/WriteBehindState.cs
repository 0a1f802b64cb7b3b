namespace EvSwap.Grains;

/// <summary>
/// Grain state written behind its changes: a change only marks it, a timer writes it at most once an interval and
/// deactivation writes what is left. For indexes and statistics that heal from their sources after a crash, where
/// a storage write per change would cost more than the few seconds of changes a crash can take.
/// </summary>
public sealed class WriteBehindState<T>(IPersistentState<T> stored, TimeSpan interval)
{
    private bool _dirty;

    public T State => stored.State;

    public bool IsDirty => _dirty;

    /// <summary>Marks the state as changed since its last write.</summary>
    public void Changed() => _dirty = true;

    /// <summary>Starts the periodic write; call from the grain's activation.</summary>
    public void Start(IGrainBase grain) =>
        grain.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = false });

    /// <summary>Writes the state if it changed. A failed write keeps it marked, so the next tick or the deactivation tries again.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
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
