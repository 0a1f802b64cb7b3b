namespace EvSwap.Bridge.Tests;

/// <summary>A lease store that can be made unreachable, as DynamoDB is during a network partition.</summary>
internal sealed class FlakyStore(IClientIdLeaseStore inner) : IClientIdLeaseStore
{
    public bool Failing { get; set; }

    public Task InitializeAsync(CancellationToken cancellationToken) => Call(() => inner.InitializeAsync(cancellationToken));

    public Task<IReadOnlyList<ClientIdLease>> ReadAsync(string prefix, CancellationToken cancellationToken) => Call(() => inner.ReadAsync(prefix, cancellationToken));

    public Task<bool> TryAcquireAsync(ClientIdSlot slot, string owner, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        Call(() => inner.TryAcquireAsync(slot, owner, now, expiresAt, cancellationToken));

    public Task<bool> TryRenewAsync(ClientIdSlot slot, string owner, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        Call(() => inner.TryRenewAsync(slot, owner, expiresAt, cancellationToken));

    public Task<bool> ReleaseAsync(ClientIdSlot slot, string owner, CancellationToken cancellationToken) => Call(() => inner.ReleaseAsync(slot, owner, cancellationToken));

    private T Call<T>(Func<T> call) => Failing ? throw new HttpRequestException("lease store unreachable") : call();
}
