using EvSwap.Testing;

namespace EvSwap.Bridge.Tests;

/// <summary>One dynalite for a test class; tests keep apart by their own client id prefixes and table names.</summary>
public sealed class DynaliteFixture : IAsyncLifetime
{
    private StandInProcess? _dynalite;

    public string ServiceUrl => $"http://127.0.0.1:{_dynalite!.Port}";

    public async Task InitializeAsync() => _dynalite = await StandIns.StartDynaliteAsync();

    public async Task DisposeAsync()
    {
        if (_dynalite is not null)
        {
            await _dynalite.DisposeAsync();
        }
    }
}
