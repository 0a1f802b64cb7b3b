namespace EvSwap.Bridge;

/// <summary>
/// A slot this silo holds, with the token its connection lives by: cancelled when the lease stops being usable
/// (<see cref="ClientIdLeaseOptions.UsableFor"/> after the start of the last successful renewal) or is lost.
/// </summary>
internal sealed class LeasedSlot
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private CancellationTokenSource _validity;

    public LeasedSlot(ClientIdSlot slot, DateTimeOffset usableUntil, TimeProvider time)
    {
        Slot = slot;
        _time = time;
        UsableUntil = usableUntil;
        _validity = new CancellationTokenSource(Remaining(usableUntil), time);
    }

    public ClientIdSlot Slot { get; }
    public DateTimeOffset UsableUntil { get; private set; }

    /// <summary>Being drained to be handed back: renewed until released, never reconnected.</summary>
    public bool Draining { get; set; }

    public CancellationToken Valid => _validity.Token;

    /// <summary>Moves the end of use to <paramref name="usableUntil"/>.</summary>
    /// <returns>True when the slot had lapsed and is usable again: the caller connects with it anew.</returns>
    public bool Extend(DateTimeOffset usableUntil)
    {
        lock (_gate)
        {
            UsableUntil = usableUntil;
            var remaining = Remaining(usableUntil);
            if (remaining <= TimeSpan.Zero)
            {
                // The renewal itself took longer than a lease is usable: nothing is gained until the next one.
                _validity.Cancel();
                return false;
            }

            if (!_validity.IsCancellationRequested)
            {
                _validity.CancelAfter(remaining);
                return false;
            }

            _validity = new CancellationTokenSource(remaining, _time);
            return !Draining;
        }
    }

    /// <summary>Stops the slot's use now; a later successful renewal may resume it.</summary>
    public void Lapse()
    {
        lock (_gate)
        {
            _validity.Cancel();
        }
    }

    private TimeSpan Remaining(DateTimeOffset until)
    {
        var remaining = until - _time.GetUtcNow();
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }
}
