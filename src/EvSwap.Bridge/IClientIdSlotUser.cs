namespace EvSwap.Bridge;

/// <summary>What <see cref="ClientIdLeaser"/> drives: the bridge's connections, one per leased client id.</summary>
internal interface IClientIdSlotUser
{
    /// <summary>Connects with the slot's client id; the connection closes by itself once <paramref name="leaseValid"/> is cancelled.</summary>
    void StartUsing(ClientIdSlot slot, CancellationToken leaseValid);

    /// <summary>Drains and closes the slot's connection.</summary>
    /// <returns>Whether its session is left with nothing unacknowledged, so the slot can be released as free.</returns>
    Task<bool> StopUsingAsync(ClientIdSlot slot, CancellationToken cancellationToken);
}
