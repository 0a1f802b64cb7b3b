namespace EvSwap.Bridge;

/// <summary>
/// The local profile's lease store: one silo (localhost clustering) owns every slot it asks for. Two silo processes
/// on one external broker need the DynamoDB store, or they would take the same client ids and disconnect each other.
/// </summary>
public sealed class InMemoryClientIdLeaseStore : IClientIdLeaseStore
{
    private readonly Dictionary<(string Prefix, int Slot), (string Owner, DateTimeOffset ExpiresAt)> _leases = [];

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<ClientIdLease>> ReadAsync(string prefix, CancellationToken cancellationToken)
    {
        lock (_leases)
        {
            IReadOnlyList<ClientIdLease> leases = [.. _leases.Where(l => l.Key.Prefix == prefix).Select(l => new ClientIdLease(l.Key.Slot, l.Value.Owner, l.Value.ExpiresAt)).OrderBy(l => l.Slot)];
            return Task.FromResult(leases);
        }
    }

    public Task<bool> TryAcquireAsync(ClientIdSlot slot, string owner, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        lock (_leases)
        {
            if (_leases.TryGetValue((slot.Prefix, slot.Number), out var held) && held.Owner != owner && held.ExpiresAt >= now)
            {
                return Task.FromResult(false);
            }

            _leases[(slot.Prefix, slot.Number)] = (owner, expiresAt);
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryRenewAsync(ClientIdSlot slot, string owner, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        lock (_leases)
        {
            if (!_leases.TryGetValue((slot.Prefix, slot.Number), out var held) || held.Owner != owner)
            {
                return Task.FromResult(false);
            }

            _leases[(slot.Prefix, slot.Number)] = (owner, expiresAt);
            return Task.FromResult(true);
        }
    }

    public Task<bool> ReleaseAsync(ClientIdSlot slot, string owner, CancellationToken cancellationToken)
    {
        lock (_leases)
        {
            return Task.FromResult(_leases.TryGetValue((slot.Prefix, slot.Number), out var held) && held.Owner == owner && _leases.Remove((slot.Prefix, slot.Number)));
        }
    }
}
