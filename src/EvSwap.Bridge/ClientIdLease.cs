namespace EvSwap.Bridge;

/// <summary>
/// A slot's lease as the store holds it. A lease past <see cref="ExpiresAt"/> still names its last owner: the session
/// behind it may hold unacknowledged messages, so another silo takes it over (see <see cref="ClientIdLeaser"/>).
/// </summary>
public sealed record ClientIdLease(int Slot, string Owner, DateTimeOffset ExpiresAt)
{
    public bool IsExpired(DateTimeOffset now) => ExpiresAt < now;
}
