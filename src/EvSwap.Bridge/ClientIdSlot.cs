namespace EvSwap.Bridge;

/// <summary>
/// One of the bridge's MQTT client ids, <c>{prefix}-{number}</c>. Client ids are leased slots rather than names
/// derived from the task, so a replacement task can take over a dead task's ids and resume its persistent sessions.
/// </summary>
public readonly record struct ClientIdSlot(string Prefix, int Number)
{
    public string ClientId => $"{Prefix}-{Number}";

    public override string ToString() => ClientId;
}
