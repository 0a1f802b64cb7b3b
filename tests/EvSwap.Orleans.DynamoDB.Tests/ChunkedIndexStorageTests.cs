using Amazon.DynamoDBv2.Model;
using EvSwap.Contracts;
using EvSwap.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace EvSwap.Orleans.DynamoDB.Tests;

/// <summary>An index shard of a 100,000-station fleet on DynamoDB (dynalite): stored in chunks that each stay far below the item limit.</summary>
public sealed class ChunkedIndexStorageTests(DynaliteFixture dynalite) : IClassFixture<DynaliteFixture>
{
    private static readonly Serializer OrleansSerializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public async Task A_shard_of_a_hundred_thousand_stations_is_stored_in_items_far_below_the_limit_and_read_back_whole()
    {
        var options = dynalite.Configure(new DynamoDBGrainStorageOptions { GrainStateTableName = DynaliteFixture.UniqueName("grains") });
        var storage = new DynamoDBGrainStorage(
            "test", options, new OrleansGrainStorageSerializer(OrleansSerializer),
            Options.Create(new ClusterOptions { ServiceId = "evswap-tests", ClusterId = "c" }), NullLogger<DynamoDBGrainStorage>.Instance);
        await storage.InitializeAsync(CancellationToken.None);
        var grain = GrainId.Create("fleetindexshard", "5");

        // 100,000 stations over 16 shards, with summaries that differ as a real fleet's do (counts, alerts, times).
        var random = new Random(7);
        var shard = new ChunkedState<StationSummary>(storage, "fleet-shard", grain);
        await shard.LoadAsync(new NoLegacy(), _ => new Dictionary<string, StationSummary>());
        for (var i = 0; i < 100_000 / 16; i++)
        {
            var id = $"st-{random.Next(1_000_000):D7}-{i}";
            var ready = random.Next(17);
            IReadOnlyList<Alert> alerts = random.Next(10) == 0
                ? [new Alert(AlertKinds.OverTemperature, random.Next(16), null, DateTimeOffset.UtcNow.AddMinutes(-random.Next(600)), $"slot temperature {random.Next(55, 80)} C")]
                : [];
            shard.Set(id, new StationSummary(
                id, DateTimeOffset.UtcNow.AddSeconds(-random.Next(86_400)),
                new Dictionary<string, int> { [SlotStates.Ready] = ready, [SlotStates.Charging] = 16 - ready },
                ready, alerts, random.NextInt64(1, 1_000_000), random.Next(1_000_000)));
        }

        await shard.WriteAsync(CancellationToken.None);

        using var client = dynalite.CreateClient();
        var items = (await client.ScanAsync(new ScanRequest { TableName = options.GrainStateTableName })).Items;
        Assert.Equal(shard.Chunks + 1, items.Count);
        var largest = items.Max(i => i.TryGetValue("Data", out var data) && data.B is not null ? data.B.Length : 0L);
        Assert.InRange(largest, 1L, DynamoDBGrainStorage.MaxItemBytes / 4);

        var reread = new ChunkedState<StationSummary>(storage, "fleet-shard", grain);
        await reread.LoadAsync(new NoLegacy(), _ => new Dictionary<string, StationSummary>());
        Assert.Equal(shard.Items.Count, reread.Items.Count);
        Assert.All(shard.Items, kv => Assert.Equal(kv.Value.Seq, reread.Items[kv.Key].Seq));
    }

    private sealed class NoLegacy : IPersistentState<object>
    {
        public object State { get; set; } = new();

        public string? Etag => null;

        public bool RecordExists => false;

        public Task ClearStateAsync() => Task.CompletedTask;

        public Task ReadStateAsync() => Task.CompletedTask;

        public Task WriteStateAsync() => Task.CompletedTask;
    }
}
