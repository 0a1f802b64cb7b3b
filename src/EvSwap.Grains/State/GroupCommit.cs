namespace EvSwap.Grains;

/// <summary>
/// Writes a grain's whole state so that every change is stored before its caller hears back, while changes made during
/// one write share the next instead of each writing the whole state again (a group commit). For grains whose calls
/// interleave and whose state is one item written whole.
/// </summary>
/// <param name="write">Writes the state as it is in memory; one at a time, never overlapping (the ETag of one is the next one's).</param>
public sealed class GroupCommit(Func<Task> write)
{
    private readonly SemaphoreSlim _writing = new(1, 1);
    private long _changes;
    private long _stored;

    /// <summary>Call after changing the state in memory: returns once a write that began after the change succeeded.</summary>
    /// <returns>True when this call made the write; false when a write for a later change held this one too.</returns>
    public async Task<bool> StoreAsync()
    {
        var mine = ++_changes;
        await _writing.WaitAsync();
        try
        {
            if (_stored >= mine)
            {
                return false;
            }

            var holds = _changes;
            await write();
            _stored = holds;
            return true;
        }
        finally
        {
            _writing.Release();
        }
    }
}
