namespace EvSwap.Bridge.Tests;

/// <summary>Stands in for the bridge's connections: records which client ids are in use and under which lease token.</summary>
internal sealed class RecordingUser : IClientIdSlotUser
{
    private readonly Dictionary<ClientIdSlot, CancellationToken> _tokens = [];

    public List<ClientIdSlot> Started { get; } = [];
    public List<ClientIdSlot> HandedBack { get; } = [];

    /// <summary>Slots whose drain leaves messages unacknowledged.</summary>
    public HashSet<int> UncleanDrain { get; } = [];

    /// <summary>Connections that would be up: started, lease token not cancelled, not handed back.</summary>
    public IEnumerable<ClientIdSlot> InUse => _tokens.Where(t => !t.Value.IsCancellationRequested && !HandedBack.Contains(t.Key)).Select(t => t.Key);

    public CancellationToken? TokenOf(ClientIdSlot slot) => _tokens.TryGetValue(slot, out var token) ? token : null;

    public void StartUsing(ClientIdSlot slot, CancellationToken leaseValid)
    {
        Started.Add(slot);
        _tokens[slot] = leaseValid;
    }

    public Task<bool> StopUsingAsync(ClientIdSlot slot, CancellationToken cancellationToken)
    {
        HandedBack.Add(slot);
        return Task.FromResult(!UncleanDrain.Contains(slot.Number));
    }
}
