using Amazon.DynamoDBv2;
using EvSwap.Testing;

namespace EvSwap.Orleans.DynamoDB.Tests;

/// <summary>One dynalite per test class; tests isolate themselves with their own table names and cluster ids.</summary>
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

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public T Configure<T>(T options)
        where T : DynamoDBConnectionOptions
    {
        options.ServiceUrl = ServiceUrl;
        options.Region = "us-east-1";
        options.CreateIfNotExists = true;
        return options;
    }

    public IAmazonDynamoDB CreateClient() => DynamoDBTables.CreateClient(Configure(new DynamoDBClusteringOptions()));
}
