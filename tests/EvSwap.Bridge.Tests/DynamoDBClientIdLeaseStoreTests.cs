using EvSwap.Bridge.DynamoDB;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EvSwap.Bridge.Tests;

/// <summary>The DynamoDB lease store against dynalite: conditional writes only, no transactions.</summary>
public sealed class DynamoDBClientIdLeaseStoreTests(DynaliteFixture dynalite) : ClientIdLeaseStoreContract, IClassFixture<DynaliteFixture>
{
    private readonly List<DynamoDBClientIdLeaseStore> _stores = [];

    private DynamoDBClientIdLeaseStore Create(string table, bool createIfNotExists = true)
    {
        var store = new DynamoDBClientIdLeaseStore(
            Options.Create(new DynamoDBClientIdLeaseOptions { ServiceUrl = dynalite.ServiceUrl, Region = "us-east-1", CreateIfNotExists = createIfNotExists, ClientIdLeaseTableName = table }),
            NullLogger<DynamoDBClientIdLeaseStore>.Instance);
        _stores.Add(store);
        return store;
    }

    // All tests of the class share one table, as all silos of a deployment do; prefixes keep them apart.
    protected override Task<IClientIdLeaseStore> CreateStoreAsync() => Task.FromResult<IClientIdLeaseStore>(Create("leases-contract"));

    public override Task DisposeAsync()
    {
        _stores.ForEach(s => s.Dispose());
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_missing_table_is_not_created_unless_asked_and_the_error_says_how_to_fix_it()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Create("leases-missing", createIfNotExists: false).InitializeAsync(CancellationToken.None));
        Assert.Contains("'leases-missing' does not exist", error.Message);
        Assert.Contains("DynamoDB:CreateIfNotExists=true", error.Message);
    }

    [Fact]
    public async Task Two_stores_on_one_table_see_each_others_leases_like_two_silos_do()
    {
        var (a, b) = (Create("leases-shared"), Create("leases-shared"));
        await a.InitializeAsync(CancellationToken.None);
        await b.InitializeAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var slot = new ClientIdSlot("shared", 0);

        Assert.True(await a.TryAcquireAsync(slot, "silo-a", now, now.AddSeconds(30), CancellationToken.None));
        Assert.False(await b.TryAcquireAsync(slot, "silo-b", now, now.AddSeconds(30), CancellationToken.None));
        Assert.Equal("silo-a", Assert.Single(await b.ReadAsync("shared", CancellationToken.None)).Owner);
    }
}
