using EvSwap.Ledger.DynamoDB;
using EvSwap.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EvSwap.Ledger.Tests;

public sealed class DynaliteFixture : IAsyncLifetime
{
    private StandInProcess? _dynalite;

    public DynamoDBSwapStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _dynalite = await StandIns.StartDynaliteAsync();
        Store = new DynamoDBSwapStore(
            Options.Create(new DynamoDBSwapStoreOptions { ServiceUrl = $"http://127.0.0.1:{_dynalite.Port}", CreateIfNotExists = true, SwapTableName = "swaps-test" }),
            new LedgerMetrics(),
            NullLogger<DynamoDBSwapStore>.Instance);
    }

    public async Task DisposeAsync()
    {
        Store?.Dispose();
        if (_dynalite is not null)
        {
            await _dynalite.DisposeAsync();
        }
    }
}

/// <summary>The DynamoDB store against dynalite: the table and its indexes created as CloudFormation declares them.</summary>
public sealed class DynamoDBSwapStoreTests(DynaliteFixture fixture) : SwapStoreContract, IClassFixture<DynaliteFixture>
{
    protected override ISwapStore Store => fixture.Store;
}
