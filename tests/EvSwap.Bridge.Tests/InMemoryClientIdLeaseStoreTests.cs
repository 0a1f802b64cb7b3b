namespace EvSwap.Bridge.Tests;

/// <summary>The local profile's lease store meets the same contract as the shared one.</summary>
public sealed class InMemoryClientIdLeaseStoreTests : ClientIdLeaseStoreContract
{
    protected override Task<IClientIdLeaseStore> CreateStoreAsync() => Task.FromResult<IClientIdLeaseStore>(new InMemoryClientIdLeaseStore());
}
