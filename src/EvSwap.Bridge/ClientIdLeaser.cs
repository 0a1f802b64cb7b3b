using Microsoft.Extensions.Logging;

namespace EvSwap.Bridge;

/// <summary>
/// Keeps this silo holding <c>Mqtt:Connections</c> client id leases and its connections in step with them.
/// Every <see cref="ClientIdLeaseOptions.RenewInterval"/> it renews what it holds, fills a shortfall, and takes over an
/// orphan: a slot whose lease expired without being released, which is a dead silo's session that may still hold
/// unacknowledged messages. Taking one over while full, it drains and releases one of its own slots instead, so
/// whichever silo wins the orphan resumes that session at once rather than leaving it until it expires on the broker.
/// A slot is used only until <see cref="ClientIdLeaseOptions.UsableFor"/> after the start of its last successful
/// renewal; past that, or when a renewal finds another owner, its connection closes without waiting for anything.
/// </summary>
internal sealed class ClientIdLeaser : IAsyncDisposable
{
    private readonly IClientIdLeaseStore _store;
    private readonly ClientIdLeaseOptions _options;
    private readonly string _prefix;
    private readonly int _wanted;
    private readonly IClientIdSlotUser _user;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LeasedSlots _held = new();
    private readonly CancellationTokenSource _running = new();
    private Task? _loop;
    private Task _move = Task.CompletedTask;

    public ClientIdLeaser(IClientIdLeaseStore store, ClientIdLeaseOptions options, string prefix, int wanted, string owner, IClientIdSlotUser user, TimeProvider time, ILogger logger)
    {
        (_store, _options, _prefix, _wanted, _user, _time, _logger) = (store, options, prefix, wanted, user, time, logger);
        Owner = owner;
    }

    /// <summary>Who this silo is in the store: unique per process, so a restarted task never mistakes its predecessor's leases for its own.</summary>
    public string Owner { get; }

    /// <summary>Slots whose connections carry traffic (held, and not being handed back).</summary>
    public IReadOnlyList<ClientIdSlot> Slots => _held.InUse;

    public void Start() => _loop = Task.Run(() => RunAsync(_running.Token));

    /// <summary>Stops the slot's use until the next successful renewal, e.g. after the broker gave its client id to someone else.</summary>
    public void Suspend(ClientIdSlot slot) => _held.Get(slot.Number)?.Lapse();

    /// <summary>
    /// Drains every connection and releases the slots whose sessions were left empty. Renewals go on meanwhile, so a
    /// drain longer than a lease does not lose the client id halfway. A slot with messages still unacknowledged is left
    /// to expire: another silo then takes it over as an orphan and receives them.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var slots = _held.BeginStop();
        await Task.WhenAll(slots.Select(s => HandBackAsync(s, cancellationToken)).Append(_move));
        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _running.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _held.All().ForEach(s => s.Lapse());
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogError(ex, "Client id leases: a renewal round failed; trying again in {Interval}.", _options.RenewInterval);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            await Task.Delay(_options.RenewInterval, _time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>One renew-and-rebalance pass; the loop runs it every renew interval, tests call it directly.</summary>
    internal async Task RoundAsync(CancellationToken cancellationToken)
    {
        await RenewAsync(cancellationToken);
        if (_held.Stopping)
        {
            return;
        }

        IReadOnlyList<ClientIdLease> leases;
        try
        {
            leases = await _store.ReadAsync(_prefix, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Client id leases: cannot read the lease store ({Error}); retrying in {Interval}.", ex.Message, _options.RenewInterval);
            return;
        }

        await FillAsync(leases, cancellationToken);
        await AdoptOrphanAsync(leases, cancellationToken);
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        foreach (var held in _held.All())
        {
            var start = _time.GetUtcNow();
            try
            {
                if (!await _store.TryRenewAsync(held.Slot, Owner, start + _options.LeaseDuration, cancellationToken))
                {
                    _held.Remove(held);
                    held.Lapse();
                    _logger.LogWarning("Client id {ClientId}: the lease went to another silo while this one could not renew it; its connection is closed.", held.Slot);
                }
                else if (held.Extend(start + _options.UsableFor) && !_held.Stopping)
                {
                    // Renewed after a lapse: nobody took the slot meanwhile, so this silo connects with it again.
                    _user.StartUsing(held.Slot, held.Valid);
                    _logger.LogInformation("Client id {ClientId}: lease renewed after a lapse; reconnecting.", held.Slot);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning("Client id {ClientId}: lease renewal failed ({Error}); the connection stops unless a renewal succeeds by {Deadline:O}.", held.Slot, ex.Message, held.UsableUntil);
            }
        }
    }

    private async Task FillAsync(IReadOnlyList<ClientIdLease> leases, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var recorded = leases.ToDictionary(l => l.Slot);

        // Orphans first, since they may hold a dead silo's messages; then slots that were never used or were released.
        var candidates = leases.Where(l => l.IsExpired(now)).Select(l => l.Slot)
            .Concat(Enumerable.Range(0, _options.MaxSlots).Where(n => !recorded.ContainsKey(n)))
            .Where(n => !_held.Contains(n));
        foreach (var n in candidates)
        {
            if (_held.ActiveCount >= _wanted)
            {
                return;
            }

            await TryTakeAsync(n, recorded.GetValueOrDefault(n), cancellationToken);
        }

        if (_held.ActiveCount < _wanted)
        {
            _logger.LogWarning("Client id leases: this silo holds {Held} of the {Wanted} client ids it needs; all {MaxSlots} slots of '{Prefix}' are taken. " +
                "Raise Mqtt:ClientIdLeases:MaxSlots to cover every task's Mqtt:Connections.", _held.ActiveCount, _wanted, _options.MaxSlots, _prefix);
        }
    }

    private async Task AdoptOrphanAsync(IReadOnlyList<ClientIdLease> leases, CancellationToken cancellationToken)
    {
        // One hand-over at a time keeps the silo at most one connection over Mqtt:Connections.
        if (_held.ActiveCount < _wanted || !_move.IsCompleted)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var orphan = leases.Where(l => l.IsExpired(now) && !_held.Contains(l.Slot)).MinBy(l => l.Slot);
        if (orphan is null || !await TryTakeAsync(orphan.Slot, orphan, cancellationToken))
        {
            return;
        }

        var surplus = _held.TakeSurplus(except: orphan.Slot);
        if (surplus is not null)
        {
            _logger.LogInformation("Client id {ClientId}: handed back to stay at {Wanted} connections after taking over {Orphan}.", surplus.Slot, _wanted, new ClientIdSlot(_prefix, orphan.Slot));
            _move = HandBackAsync(surplus, CancellationToken.None);
        }
    }

    private async Task<bool> TryTakeAsync(int number, ClientIdLease? previous, CancellationToken cancellationToken)
    {
        var slot = new ClientIdSlot(_prefix, number);
        var start = _time.GetUtcNow();
        try
        {
            if (!await _store.TryAcquireAsync(slot, Owner, start, start + _options.LeaseDuration, cancellationToken))
            {
                return false;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Client id {ClientId}: could not lease it ({Error}).", slot, ex.Message);
            return false;
        }

        var held = new LeasedSlot(slot, start + _options.UsableFor, _time);
        if (!_held.TryAdd(held, () => _user.StartUsing(slot, held.Valid)))
        {
            // Leased just as the silo began to stop: never used, so free again at once.
            await _store.ReleaseAsync(slot, Owner, CancellationToken.None);
            return false;
        }

        if (previous is not null && previous.Owner != Owner)
        {
            _logger.LogInformation("Client id {ClientId}: taken over from {PreviousOwner}, whose lease expired at {ExpiredAt:O}; resuming its session.", slot, previous.Owner, previous.ExpiresAt);
        }
        else
        {
            _logger.LogInformation("Client id {ClientId}: leased by {Owner}.", slot, Owner);
        }

        return true;
    }

    private async Task HandBackAsync(LeasedSlot held, CancellationToken cancellationToken)
    {
        bool clean;
        try
        {
            clean = await _user.StopUsingAsync(held.Slot, cancellationToken);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Client id {ClientId}: drain failed.", held.Slot);
            clean = false;
        }

        _held.Remove(held);
        held.Lapse();
        if (!clean)
        {
            _logger.LogWarning("Client id {ClientId}: left to expire, not released, because its session may still hold unacknowledged messages; another silo takes it over.", held.Slot);
            return;
        }

        try
        {
            await _store.ReleaseAsync(held.Slot, Owner, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Harmless: the lease expires, and whoever takes the slot over finds an empty session.
            _logger.LogWarning("Client id {ClientId}: could not release the lease ({Error}); it expires instead.", held.Slot, ex.Message);
        }
    }
}
