namespace EvSwap.Bridge.Tests;

/// <summary>
/// What every client id lease store must do, run against each backend. Times are explicit arguments of the store's
/// operations, so expiry is tested by passing a later "now", never by waiting.
/// </summary>
public abstract class ClientIdLeaseStoreContract : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    // Whole milliseconds: what a store keeps of a time.
    private readonly DateTimeOffset _t0 = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    private readonly string _prefix = "lease-" + Guid.NewGuid().ToString("N")[..8];
    private IClientIdLeaseStore _store = null!;

    protected abstract Task<IClientIdLeaseStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync(CancellationToken.None);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private ClientIdSlot Slot(int n) => new(_prefix, n);

    private Task<bool> AcquireAsync(int n, string owner, DateTimeOffset now) => _store.TryAcquireAsync(Slot(n), owner, now, now + Lease, CancellationToken.None);

    [Fact]
    public async Task A_free_slot_goes_to_its_first_owner_and_is_refused_to_another_while_the_lease_runs()
    {
        Assert.True(await AcquireAsync(0, "a", _t0));
        Assert.False(await AcquireAsync(0, "b", _t0 + Lease - TimeSpan.FromMilliseconds(1)));
        Assert.True(await AcquireAsync(1, "b", _t0));

        var leases = await _store.ReadAsync(_prefix, CancellationToken.None);
        Assert.Equal([(0, "a", _t0 + Lease), (1, "b", _t0 + Lease)], leases.OrderBy(l => l.Slot).Select(l => (l.Slot, l.Owner, l.ExpiresAt)));
    }

    [Fact]
    public async Task Owners_contending_for_one_free_slot_at_once_are_granted_it_exactly_once()
    {
        var owners = Enumerable.Range(0, 8).Select(i => $"owner-{i}").ToList();
        var granted = await Task.WhenAll(owners.Select(o => Task.Run(() => AcquireAsync(0, o, _t0))));

        Assert.Single(granted, true);
        Assert.Equal(owners[Array.IndexOf(granted, true)], Assert.Single(await _store.ReadAsync(_prefix, CancellationToken.None)).Owner);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_its_previous_owner_can_no_longer_renew_or_release_it()
    {
        Assert.True(await AcquireAsync(0, "dead", _t0));
        var afterExpiry = _t0 + Lease + TimeSpan.FromMilliseconds(1);

        Assert.True(await AcquireAsync(0, "replacement", afterExpiry));

        Assert.False(await _store.TryRenewAsync(Slot(0), "dead", afterExpiry + Lease, CancellationToken.None));
        Assert.False(await _store.ReleaseAsync(Slot(0), "dead", CancellationToken.None));
        var lease = Assert.Single(await _store.ReadAsync(_prefix, CancellationToken.None));
        Assert.Equal(("replacement", afterExpiry + Lease), (lease.Owner, lease.ExpiresAt));
    }

    [Fact]
    public async Task A_renewed_lease_is_refused_to_others_past_its_first_expiry_and_an_unrenewed_one_is_not()
    {
        Assert.True(await AcquireAsync(0, "a", _t0));
        Assert.True(await AcquireAsync(1, "a", _t0));
        Assert.True(await _store.TryRenewAsync(Slot(0), "a", _t0 + 2 * Lease, CancellationToken.None));

        var afterFirstExpiry = _t0 + Lease + TimeSpan.FromSeconds(1);
        Assert.False(await AcquireAsync(0, "b", afterFirstExpiry));
        Assert.True(await AcquireAsync(1, "b", afterFirstExpiry));
    }

    [Fact]
    public async Task Only_the_owner_can_renew_and_a_lapsed_lease_nobody_took_is_still_its_owners()
    {
        Assert.True(await AcquireAsync(0, "a", _t0));
        Assert.False(await _store.TryRenewAsync(Slot(0), "b", _t0 + 2 * Lease, CancellationToken.None));
        Assert.False(await _store.TryRenewAsync(Slot(1), "a", _t0 + 2 * Lease, CancellationToken.None));

        // Expired but untouched: the owner may carry on, since nobody else used the client id meanwhile.
        Assert.True(await _store.TryRenewAsync(Slot(0), "a", _t0 + 3 * Lease, CancellationToken.None));
        Assert.Equal(_t0 + 3 * Lease, Assert.Single(await _store.ReadAsync(_prefix, CancellationToken.None)).ExpiresAt);
    }

    [Fact]
    public async Task Release_by_the_owner_frees_the_slot_at_once_and_a_release_by_anyone_else_changes_nothing()
    {
        Assert.True(await AcquireAsync(0, "a", _t0));
        Assert.True(await AcquireAsync(1, "a", _t0));

        Assert.False(await _store.ReleaseAsync(Slot(0), "b", CancellationToken.None));
        Assert.True(await _store.ReleaseAsync(Slot(0), "a", CancellationToken.None));

        // A released slot leaves no record behind, so nobody mistakes it for a dead owner's session.
        Assert.Equal([1], (await _store.ReadAsync(_prefix, CancellationToken.None)).Select(l => l.Slot));
        Assert.True(await AcquireAsync(0, "b", _t0));
        Assert.False(await AcquireAsync(1, "b", _t0));
    }

    [Fact]
    public async Task Pools_of_different_prefixes_are_independent()
    {
        var other = new ClientIdSlot(_prefix + "-other", 0);
        Assert.True(await AcquireAsync(0, "a", _t0));
        Assert.True(await _store.TryAcquireAsync(other, "b", _t0, _t0 + Lease, CancellationToken.None));

        Assert.Equal("a", Assert.Single(await _store.ReadAsync(_prefix, CancellationToken.None)).Owner);
        Assert.Equal("b", Assert.Single(await _store.ReadAsync(other.Prefix, CancellationToken.None)).Owner);
    }
}
