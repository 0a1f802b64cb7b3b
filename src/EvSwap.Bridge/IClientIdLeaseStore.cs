namespace EvSwap.Bridge;

/// <summary>
/// Where the bridge's client id leases live: DynamoDB when the cluster's membership does, in process for the local
/// profile. Every write is conditional, so two silos can never both be granted one slot.
/// </summary>
public interface IClientIdLeaseStore
{
    /// <summary>Checks (or, when configured to, creates) the backing store; a silo fails to start when this throws.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Every slot of <paramref name="prefix"/> that has a lease record, expired or not, read consistently.</summary>
    Task<IReadOnlyList<ClientIdLease>> ReadAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Takes <paramref name="slot"/> for <paramref name="owner"/> until <paramref name="expiresAt"/> if nobody holds it,
    /// its lease expired before <paramref name="now"/>, or <paramref name="owner"/> holds it already.
    /// </summary>
    /// <returns>Whether the lease is now <paramref name="owner"/>'s.</returns>
    Task<bool> TryAcquireAsync(ClientIdSlot slot, string owner, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Extends the lease to <paramref name="expiresAt"/> only if <paramref name="owner"/> still holds it.</summary>
    /// <returns>False when someone else took the slot or it was released: the caller must stop using it.</returns>
    Task<bool> TryRenewAsync(ClientIdSlot slot, string owner, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Gives the slot up, only if <paramref name="owner"/> still holds it. A released slot is free, not orphaned.</summary>
    Task<bool> ReleaseAsync(ClientIdSlot slot, string owner, CancellationToken cancellationToken);
}
