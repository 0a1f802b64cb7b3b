using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace EvSwap.Orleans.DynamoDB.Tests;

[GenerateSerializer]
public sealed class SampleState
{
    [Id(0)]
    public string Name { get; set; } = string.Empty;

    [Id(1)]
    public int Count { get; set; }

    [Id(2)]
    public byte[] Blob { get; set; } = [];
}

/// <summary>The Orleans IGrainStorage contract against dynalite: ETags, conflicts, clear, compression, size limit.</summary>
public sealed class GrainStorageConformanceTests(DynaliteFixture dynalite) : IClassFixture<DynaliteFixture>
{
    private static readonly Serializer OrleansSerializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public async Task Read_of_a_grain_never_written_returns_a_new_state_without_etag()
    {
        var (storage, _) = await CreateStorageAsync();
        var state = new GrainState<SampleState>();

        await storage.ReadStateAsync("state", NewGrain(), state, CancellationToken.None);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State!.Count);
    }

    [Fact]
    public async Task Write_read_rewrite_round_trips_the_state_and_changes_the_etag()
    {
        var (storage, _) = await CreateStorageAsync();
        var grain = NewGrain();
        var state = new GrainState<SampleState>(new SampleState { Name = "st-0001", Count = 1 });

        await storage.WriteStateAsync("state", grain, state, CancellationToken.None);
        var firstETag = state.ETag;
        var read = new GrainState<SampleState>();
        await storage.ReadStateAsync("state", grain, read, CancellationToken.None);

        Assert.True(read.RecordExists);
        Assert.Equal(firstETag, read.ETag);
        Assert.Equal("st-0001", read.State!.Name);

        read.State!.Count = 2;
        await storage.WriteStateAsync("state", grain, read, CancellationToken.None);
        Assert.NotEqual(firstETag, read.ETag);

        var again = new GrainState<SampleState>();
        await storage.ReadStateAsync("state", grain, again, CancellationToken.None);
        Assert.Equal(2, again.State!.Count);
        Assert.Equal(read.ETag, again.ETag);
    }

    [Fact]
    public async Task Write_with_a_stale_etag_throws_InconsistentStateException_and_keeps_the_stored_state()
    {
        var (storage, _) = await CreateStorageAsync();
        var grain = NewGrain();
        var writer = new GrainState<SampleState>(new SampleState { Count = 1 });
        await storage.WriteStateAsync("state", grain, writer, CancellationToken.None);
        var stale = new GrainState<SampleState>(new SampleState { Count = 99 }) { ETag = writer.ETag };
        await storage.WriteStateAsync("state", grain, writer, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", grain, stale, CancellationToken.None));
        Assert.Contains(grain.ToString(), error.Message);

        // A writer that believes nothing is stored is stale too.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", grain, new GrainState<SampleState>(new SampleState()), CancellationToken.None));

        var read = new GrainState<SampleState>();
        await storage.ReadStateAsync("state", grain, read, CancellationToken.None);
        Assert.Equal(1, read.State!.Count);
    }

    [Fact]
    public async Task Parallel_writers_with_the_same_etag_exactly_one_wins()
    {
        var (storage, _) = await CreateStorageAsync();
        var grain = NewGrain();
        var initial = new GrainState<SampleState>(new SampleState());
        await storage.WriteStateAsync("state", grain, initial, CancellationToken.None);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => Task.Run(async () =>
        {
            var mine = new GrainState<SampleState>(new SampleState { Count = i }) { ETag = initial.ETag };
            try
            {
                await storage.WriteStateAsync("state", grain, mine, CancellationToken.None);
                return i;
            }
            catch (InconsistentStateException)
            {
                return 0;
            }
        })));

        var winner = Assert.Single(outcomes, i => i != 0);
        var read = new GrainState<SampleState>();
        await storage.ReadStateAsync("state", grain, read, CancellationToken.None);
        Assert.Equal(winner, read.State!.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Clear_then_read_returns_no_record_and_a_later_write_succeeds(bool deleteStateOnClear)
    {
        var (storage, options) = await CreateStorageAsync(o => o.DeleteStateOnClear = deleteStateOnClear);
        var grain = NewGrain();
        var state = new GrainState<SampleState>(new SampleState { Count = 5 });
        await storage.WriteStateAsync("state", grain, state, CancellationToken.None);
        var beforeClear = state.ETag;

        await storage.ClearStateAsync("state", grain, state, CancellationToken.None);
        var read = new GrainState<SampleState>();
        await storage.ReadStateAsync("state", grain, read, CancellationToken.None);

        Assert.False(read.RecordExists);
        Assert.Equal(0, read.State!.Count);
        Assert.Equal(state.ETag, read.ETag);
        var item = await GetItemAsync(options, "state", grain);
        Assert.Equal(deleteStateOnClear, item is null);

        // A writer still holding the pre-clear ETag must not resurrect the state.
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("state", grain, new GrainState<SampleState>(new SampleState { Count = 7 }) { ETag = beforeClear }, CancellationToken.None));

        read.State!.Count = 6;
        await storage.WriteStateAsync("state", grain, read, CancellationToken.None);
        var after = new GrainState<SampleState>();
        await storage.ReadStateAsync("state", grain, after, CancellationToken.None);
        Assert.True(after.RecordExists);
        Assert.Equal(6, after.State!.Count);
    }

    [Fact]
    public async Task Large_state_is_stored_gzip_compressed_and_reads_back_unchanged()
    {
        var (storage, options) = await CreateStorageAsync();
        var grain = NewGrain();
        var blob = Enumerable.Range(0, 200_000).Select(i => (byte)(i % 7)).ToArray();
        await storage.WriteStateAsync("state", grain, new GrainState<SampleState>(new SampleState { Blob = blob }), CancellationToken.None);

        var item = await GetItemAsync(options, "state", grain);
        Assert.NotNull(item);
        Assert.Equal("gzip", item["Compression"].S);
        Assert.True(item["Data"].B.Length < blob.Length / 10);

        var read = new GrainState<SampleState>();
        await storage.ReadStateAsync("state", grain, read, CancellationToken.None);
        Assert.Equal(blob, read.State!.Blob);
    }

    [Fact]
    public async Task Small_state_is_stored_uncompressed()
    {
        var (storage, options) = await CreateStorageAsync();
        var grain = NewGrain();
        await storage.WriteStateAsync("state", grain, new GrainState<SampleState>(new SampleState { Name = "small" }), CancellationToken.None);

        var item = await GetItemAsync(options, "state", grain);
        Assert.NotNull(item);
        Assert.False(item.ContainsKey("Compression"));
    }

    [Fact]
    public async Task Oversize_state_is_rejected_with_a_message_naming_the_grain_and_the_size_and_nothing_is_written()
    {
        var (storage, options) = await CreateStorageAsync();
        var grain = NewGrain();
        var incompressible = new byte[500_000];
        new Random(42).NextBytes(incompressible);

        var error = await Assert.ThrowsAsync<GrainStateTooLargeException>(() =>
            storage.WriteStateAsync("state", grain, new GrainState<SampleState>(new SampleState { Blob = incompressible }), CancellationToken.None));

        Assert.Contains(grain.ToString(), error.Message);
        Assert.Contains(error.ItemBytes.ToString("N0"), error.Message);
        Assert.True(error.ItemBytes > DynamoDBGrainStorage.MaxItemBytes);
        Assert.Null(await GetItemAsync(options, "state", grain));
    }

    [Fact]
    public async Task Two_services_sharing_a_table_do_not_see_each_others_state()
    {
        var table = DynaliteFixture.UniqueName("grains");
        var (blue, _) = await CreateStorageAsync(o => o.GrainStateTableName = table, serviceId: "blue");
        var (green, _) = await CreateStorageAsync(o => o.GrainStateTableName = table, serviceId: "green");
        var grain = NewGrain();

        await blue.WriteStateAsync("state", grain, new GrainState<SampleState>(new SampleState { Name = "blue" }), CancellationToken.None);
        var read = new GrainState<SampleState>();
        await green.ReadStateAsync("state", grain, read, CancellationToken.None);

        Assert.False(read.RecordExists);
    }

    private static GrainId NewGrain() => GrainId.Create("station", "st-" + Guid.NewGuid().ToString("N")[..8]);

    private async Task<(DynamoDBGrainStorage Storage, DynamoDBGrainStorageOptions Options)> CreateStorageAsync(Action<DynamoDBGrainStorageOptions>? configure = null, string serviceId = "evswap-tests")
    {
        var options = dynalite.Configure(new DynamoDBGrainStorageOptions { GrainStateTableName = DynaliteFixture.UniqueName("grains") });
        configure?.Invoke(options);
        var storage = new DynamoDBGrainStorage(
            "test", options, new OrleansGrainStorageSerializer(OrleansSerializer),
            Options.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "c" }), NullLogger<DynamoDBGrainStorage>.Instance);
        await storage.InitializeAsync(CancellationToken.None);
        return (storage, options);
    }

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(DynamoDBGrainStorageOptions options, string stateName, GrainId grain)
    {
        using var client = dynalite.CreateClient();
        var response = await client.ScanAsync(new ScanRequest { TableName = options.GrainStateTableName });
        return (response.Items ?? []).SingleOrDefault(i => i["GrainId"].S == grain.ToString() && i["StateName"].S == stateName);
    }
}
