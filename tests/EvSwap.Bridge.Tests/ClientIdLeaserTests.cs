using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EvSwap.Bridge.Tests;

/// <summary>
/// The lease loop of several silos on one store, one round at a time on a fake clock: no silo ever uses a client id
/// another one holds, a dead silo's client ids go to whoever comes next, and a silo that cannot renew stops using its own.
/// </summary>
public sealed class ClientIdLeaserTests : IAsyncDisposable
{
    private const string Prefix = "bridge";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-24T18:00:00Z"));
    private readonly FlakyStore _store = new(new InMemoryClientIdLeaseStore());
    private readonly ClientIdLeaseOptions _options = new() { MaxSlots = 8, LeaseDuration = TimeSpan.FromSeconds(30), RenewInterval = TimeSpan.FromSeconds(5), MaxClockSkew = TimeSpan.FromSeconds(5) };
    private readonly List<ClientIdLeaser> _leasers = [];

    private (ClientIdLeaser Leaser, RecordingUser User) Silo(string name, int connections = 2)
    {
        var user = new RecordingUser();
        var leaser = new ClientIdLeaser(_store, _options, Prefix, connections, name, user, _clock, NullLogger.Instance);
        _leasers.Add(leaser);
        return (leaser, user);
    }

    private static Task RoundAsync(ClientIdLeaser leaser) => leaser.RoundAsync(CancellationToken.None);

    private static int[] Numbers(ClientIdLeaser leaser) => [.. leaser.Slots.Select(s => s.Number)];

    private async Task<Dictionary<int, string>> OwnersAsync() => (await _store.ReadAsync(Prefix, CancellationToken.None)).ToDictionary(l => l.Slot, l => l.Owner);

    public async ValueTask DisposeAsync()
    {
        foreach (var leaser in _leasers)
        {
            await leaser.DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_silo_leases_one_client_id_per_connection_and_no_two_silos_ever_hold_the_same_one()
    {
        var (a, aUser) = Silo("a");
        var (b, bUser) = Silo("b");
        var (c, _) = Silo("c", connections: 5);
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(RoundAsync(a), RoundAsync(b), RoundAsync(c));
            _clock.Advance(_options.RenewInterval);
        }

        Assert.Equal([0, 1], Numbers(a).Order());
        Assert.Equal(2, Numbers(b).Length);
        Assert.Empty(Numbers(a).Intersect(Numbers(b)).Concat(Numbers(a).Intersect(Numbers(c))).Concat(Numbers(b).Intersect(Numbers(c))));

        // Eight slots in all: the last silo gets what is left and waits for the rest.
        Assert.Equal(4, Numbers(c).Length);

        // Each silo connects with exactly the client ids it holds.
        Assert.Equal(Numbers(a).Select(n => $"{Prefix}-{n}"), aUser.InUse.OrderBy(s => s.Number).Select(s => s.ClientId));
        Assert.Equal(Numbers(b).Select(n => $"{Prefix}-{n}"), bUser.InUse.OrderBy(s => s.Number).Select(s => s.ClientId));
    }

    [Fact]
    public async Task A_replacement_silo_takes_the_dead_silos_expired_client_ids_before_any_free_one()
    {
        var (dead, _) = Silo("dead");
        var (other, _) = Silo("other");
        await RoundAsync(dead);
        await RoundAsync(other);
        Assert.Equal([0, 1], Numbers(dead));

        // The dead silo renews no more; the other one does, before the dead silo's leases expire.
        _clock.Advance(_options.LeaseDuration / 2);
        await RoundAsync(other);
        _clock.Advance(_options.LeaseDuration / 2 + TimeSpan.FromSeconds(1));
        var (replacement, _) = Silo("replacement");
        await RoundAsync(replacement);

        Assert.Equal([0, 1], Numbers(replacement));
        Assert.Equal(["replacement", "replacement", "other", "other"], (await OwnersAsync()).OrderBy(o => o.Key).Select(o => o.Value));
    }

    [Fact]
    public async Task A_replacement_started_while_the_dead_silos_leases_still_run_moves_onto_them_once_they_expire()
    {
        var (dead, _) = Silo("dead");
        await RoundAsync(dead);
        var (replacement, user) = Silo("replacement");
        await RoundAsync(replacement);
        Assert.Equal([2, 3], Numbers(replacement));

        _clock.Advance(_options.LeaseDuration + TimeSpan.FromSeconds(1));
        await RoundAsync(replacement);
        await RoundAsync(replacement);

        // Each orphan taken over cost one free slot, drained and released: two connections throughout.
        Assert.Equal([0, 1], Numbers(replacement));
        Assert.Equal([3, 2], user.HandedBack.Select(s => s.Number));
        Assert.Equal(new Dictionary<int, string> { [0] = "replacement", [1] = "replacement" }, await OwnersAsync());
    }

    [Fact]
    public async Task A_silo_that_cannot_renew_stops_using_its_client_ids_before_anyone_else_may_take_them()
    {
        var (a, user) = Silo("a");
        await RoundAsync(a);
        var tokens = user.InUse.Select(s => user.TokenOf(s)!.Value).ToList();
        _store.Failing = true;

        _clock.Advance(_options.UsableFor - TimeSpan.FromMilliseconds(1));
        await RoundAsync(a);
        Assert.All(tokens, t => Assert.False(t.IsCancellationRequested));

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.All(tokens, t => Assert.True(t.IsCancellationRequested));

        // With the clock skew to spare, another silo may take them only later.
        _store.Failing = false;
        var (b, _) = Silo("b");
        await RoundAsync(b);
        Assert.Equal([2, 3], Numbers(b));
    }

    [Fact]
    public async Task A_lapsed_client_id_nobody_took_is_used_again_once_a_renewal_succeeds()
    {
        var (a, user) = Silo("a", connections: 1);
        await RoundAsync(a);
        _store.Failing = true;
        _clock.Advance(_options.LeaseDuration);
        await RoundAsync(a);
        Assert.True(user.TokenOf(new ClientIdSlot(Prefix, 0))!.Value.IsCancellationRequested);

        _store.Failing = false;
        await RoundAsync(a);

        Assert.Equal(2, user.Started.Count(s => s.Number == 0));
        Assert.False(user.TokenOf(new ClientIdSlot(Prefix, 0))!.Value.IsCancellationRequested);
        Assert.Equal([0], Numbers(a));
    }

    [Fact]
    public async Task A_silo_whose_client_id_was_taken_over_during_a_lapse_lets_it_go_and_leases_another()
    {
        var (a, aUser) = Silo("a", connections: 1);
        await RoundAsync(a);
        _store.Failing = true;
        _clock.Advance(_options.LeaseDuration + TimeSpan.FromSeconds(1));
        _store.Failing = false;
        var (b, _) = Silo("b", connections: 1);
        await RoundAsync(b);
        Assert.Equal([0], Numbers(b));

        await RoundAsync(a);

        Assert.Equal([1], Numbers(a));
        Assert.True(aUser.TokenOf(new ClientIdSlot(Prefix, 0))!.Value.IsCancellationRequested);
        Assert.Equal(new Dictionary<int, string> { [0] = "b", [1] = "a" }, await OwnersAsync());
    }

    [Fact]
    public async Task Stopping_releases_drained_client_ids_and_leaves_one_with_unacknowledged_messages_to_be_taken_over()
    {
        var (a, user) = Silo("a");
        await RoundAsync(a);
        user.UncleanDrain.Add(1);

        await a.StopAsync(CancellationToken.None);

        Assert.Equal(new Dictionary<int, string> { [1] = "a" }, await OwnersAsync());
        _clock.Advance(_options.LeaseDuration + TimeSpan.FromSeconds(1));
        var (b, _) = Silo("b", connections: 1);
        await RoundAsync(b);
        Assert.Equal([1], Numbers(b));
    }
}
