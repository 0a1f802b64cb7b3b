using EvSwap.Grains;
using Counter = EvSwap.UnitTests.JsonGrainStorageSerializer.Counter;
using Orleans.Storage;

namespace EvSwap.UnitTests;

/// <summary>The local profile's alarm storage: files that outlive the process, with the same ETag contract as DynamoDB.</summary>
public sealed class FileGrainStorageTests : IDisposable
{
    private static readonly GrainId Grain = GrainId.Create("alarmshard", "3");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "evswap-filestore-" + Guid.NewGuid().ToString("N"));

    private FileGrainStorage Storage() => new("alarms", _root, new JsonGrainStorageSerializer());

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task State_written_by_one_instance_is_read_by_a_new_one_as_after_a_restart()
    {
        var state = new GrainState<Counter> { State = new Counter { N = 7 } };
        await Storage().WriteStateAsync("alarm-shard", Grain, state);

        var read = new GrainState<Counter>();
        await Storage().ReadStateAsync("alarm-shard", Grain, read);

        Assert.Equal((7, state.ETag, true), (read.State!.N, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_fails_and_leaves_the_newer_state()
    {
        var first = new GrainState<Counter> { State = new Counter { N = 1 } };
        await Storage().WriteStateAsync("alarm-shard", Grain, first);
        var stale = new GrainState<Counter> { State = new Counter { N = 2 }, ETag = first.ETag };
        first.State.N = 3;
        await Storage().WriteStateAsync("alarm-shard", Grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().WriteStateAsync("alarm-shard", Grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().WriteStateAsync("alarm-shard", Grain, new GrainState<Counter> { State = new Counter() }));

        var read = new GrainState<Counter>();
        await Storage().ReadStateAsync("alarm-shard", Grain, read);
        Assert.Equal(3, read.State!.N);
    }

    [Fact]
    public async Task Clear_removes_the_file()
    {
        var state = new GrainState<Counter> { State = new Counter { N = 1 } };
        await Storage().WriteStateAsync("alarm-shard", Grain, state);
        await Storage().ClearStateAsync("alarm-shard", Grain, state);

        var read = new GrainState<Counter>();
        await Storage().ReadStateAsync("alarm-shard", Grain, read);
        Assert.False(read.RecordExists);
        Assert.Empty(Directory.GetFiles(_root));
    }

    [Fact]
    public async Task Grains_written_at_the_same_time_each_keep_their_own_state()
    {
        var storage = Storage();
        var grains = Enumerable.Range(0, 200).Select(i => GrainId.Create("battery", "b-" + i)).ToList();
        await Task.WhenAll(grains.Select((g, i) => Task.Run(() => storage.WriteStateAsync("battery", g, new GrainState<Counter> { State = new Counter { N = i } }))));

        var read = await Task.WhenAll(grains.Select(async g =>
        {
            var state = new GrainState<Counter>();
            await Storage().ReadStateAsync("battery", g, state);
            return state.State!.N;
        }));
        Assert.Equal(Enumerable.Range(0, 200), read);
    }

    [Fact]
    public async Task Of_writes_racing_with_the_same_etag_exactly_one_wins()
    {
        var storage = Storage();
        var attempts = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                await storage.WriteStateAsync("alarm-shard", Grain, new GrainState<Counter> { State = new Counter { N = i } });
                return i;
            }
            catch (InconsistentStateException)
            {
                return 0;
            }
        })));

        var winner = Assert.Single(attempts, n => n != 0);
        var read = new GrainState<Counter>();
        await Storage().ReadStateAsync("alarm-shard", Grain, read);
        Assert.Equal(winner, read.State!.N);
    }
}
