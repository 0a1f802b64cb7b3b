using EvSwap.Grains;
using Counter = EvSwap.UnitTests.JsonGrainStorageSerializer.Counter;
using Orleans.Storage;

namespace EvSwap.UnitTests;

/// <summary>The local profile's battery storage: one SQLite file, writes committed in groups, the ETag contract of the other providers.</summary>
public sealed class SqliteGrainStorageTests : IAsyncLifetime
{
    private static readonly GrainId Grain = GrainId.Create("battery", "bat-00017");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "evswap-sqlitestore-" + Guid.NewGuid().ToString("N"));
    private readonly List<SqliteGrainStorage> _opened = [];

    private string DatabasePath => Path.Combine(_root, "batteries.db");

    private SqliteGrainStorage Storage()
    {
        var storage = new SqliteGrainStorage("batteries", DatabasePath, new JsonGrainStorageSerializer());
        _opened.Add(storage);
        return storage;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var storage in _opened)
        {
            await storage.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task State_written_is_read_by_a_new_instance_as_after_a_restart()
    {
        var first = Storage();
        var state = new GrainState<Counter> { State = new Counter { N = 7 } };
        await first.WriteStateAsync("battery", Grain, state);
        await first.DisposeAsync();

        var read = new GrainState<Counter>();
        await Storage().ReadStateAsync("battery", Grain, read);

        Assert.Equal((7, state.ETag, true), (read.State!.N, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task A_grain_never_written_reads_as_a_new_record()
    {
        var read = new GrainState<Counter> { ETag = "stale" };
        await Storage().ReadStateAsync("battery", Grain, read);
        Assert.Equal((0, null, false), (read.State!.N, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_fails_and_leaves_the_newer_state()
    {
        var storage = Storage();
        var first = new GrainState<Counter> { State = new Counter { N = 1 } };
        await storage.WriteStateAsync("battery", Grain, first);
        var stale = new GrainState<Counter> { State = new Counter { N = 2 }, ETag = first.ETag };
        first.State.N = 3;
        await storage.WriteStateAsync("battery", Grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("battery", Grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("battery", Grain, new GrainState<Counter> { State = new Counter() }));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("battery", Grain, stale));

        var read = new GrainState<Counter>();
        await storage.ReadStateAsync("battery", Grain, read);
        Assert.Equal((3, first.ETag), (read.State!.N, read.ETag));
    }

    [Fact]
    public async Task Clear_removes_the_state()
    {
        var storage = Storage();
        var state = new GrainState<Counter> { State = new Counter { N = 1 } };
        await storage.WriteStateAsync("battery", Grain, state);
        await storage.ClearStateAsync("battery", Grain, state);

        var read = new GrainState<Counter>();
        await storage.ReadStateAsync("battery", Grain, read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task Grains_written_at_the_same_time_each_keep_their_own_state()
    {
        var storage = Storage();
        var grains = Enumerable.Range(0, 500).Select(i => GrainId.Create("battery", "b-" + i)).ToList();
        await Task.WhenAll(grains.Select((g, i) => Task.Run(() => storage.WriteStateAsync("battery", g, new GrainState<Counter> { State = new Counter { N = i } }))));
        await storage.DisposeAsync();

        var reopened = Storage();
        var read = await Task.WhenAll(grains.Select(async g =>
        {
            var state = new GrainState<Counter>();
            await reopened.ReadStateAsync("battery", g, state);
            return state.State!.N;
        }));
        Assert.Equal(Enumerable.Range(0, 500), read);
    }

    [Fact]
    public async Task Of_writes_racing_with_the_same_etag_exactly_one_wins()
    {
        var storage = Storage();
        var attempts = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                await storage.WriteStateAsync("battery", Grain, new GrainState<Counter> { State = new Counter { N = i } });
                return i;
            }
            catch (InconsistentStateException)
            {
                return 0;
            }
        })));

        var winner = Assert.Single(attempts, n => n != 0);
        var read = new GrainState<Counter>();
        await storage.ReadStateAsync("battery", Grain, read);
        Assert.Equal(winner, read.State!.N);
    }

    [Fact]
    public async Task Files_of_an_older_data_directory_are_moved_in_with_their_etags()
    {
        var state = new GrainState<Counter> { State = new Counter { N = 42 } };
        await new FileGrainStorage("batteries", _root, new JsonGrainStorageSerializer()).WriteStateAsync("battery", Grain, state);

        var storage = Storage();
        Assert.Equal(1, storage.ImportFiles(_root));

        var read = new GrainState<Counter>();
        await storage.ReadStateAsync("battery", Grain, read);
        Assert.Equal((42, state.ETag), (read.State!.N, read.ETag));
        Assert.Empty(Directory.GetFiles(_root, "*.bin"));

        // The grain goes on from the imported ETag.
        state.State.N = 43;
        await storage.WriteStateAsync("battery", Grain, state);
    }

    [Fact]
    public async Task A_write_after_the_store_closed_fails_instead_of_waiting()
    {
        var storage = Storage();
        await storage.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.WriteStateAsync("battery", Grain, new GrainState<Counter> { State = new Counter() }));
    }
}
