using EvSwap.Grains;
using Counter = EvSwap.UnitTests.JsonGrainStorageSerializer.Counter;
using Orleans.Storage;

namespace EvSwap.UnitTests;

/// <summary>The local profile's grain storage keeps the optimistic-concurrency contract of the DynamoDB provider.</summary>
public class InProcessGrainStorageTests
{
    private static readonly GrainId Grain = GrainId.Create("station", "st-1");
    private readonly InProcessStateStore _store = new();

    private InProcessGrainStorage Storage() => new("evswap", _store, new JsonGrainStorageSerializer());

    [Fact]
    public async Task Write_read_rewrite_round_trips_a_copy_and_changes_the_etag()
    {
        var storage = Storage();
        var state = new GrainState<Counter> { State = new Counter { N = 1 } };
        await storage.WriteStateAsync("station", Grain, state);
        var first = state.ETag;
        state.State.N = 99; // a later change in the grain's own object must not leak into storage

        var read = new GrainState<Counter>();
        await Storage().ReadStateAsync("station", Grain, read);
        Assert.Equal((1, first, true), (read.State!.N, read.ETag, read.RecordExists));

        read.State!.N = 2;
        await storage.WriteStateAsync("station", Grain, read);
        Assert.NotEqual(first, read.ETag);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_throws_and_keeps_the_stored_state()
    {
        var storage = Storage();
        var a = new GrainState<Counter> { State = new Counter { N = 1 } };
        await storage.WriteStateAsync("station", Grain, a);
        var b = new GrainState<Counter>();
        await storage.ReadStateAsync("station", Grain, b);
        b.State!.N = 2;
        await storage.WriteStateAsync("station", Grain, b);

        a.State.N = 3;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("station", Grain, a));
        var read = new GrainState<Counter>();
        await storage.ReadStateAsync("station", Grain, read);
        Assert.Equal(2, read.State!.N);
    }

    [Fact]
    public async Task A_first_write_loses_to_an_existing_record_and_clear_then_read_finds_nothing()
    {
        var storage = Storage();
        await storage.WriteStateAsync("station", Grain, new GrainState<Counter> { State = new Counter { N = 1 } });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("station", Grain, new GrainState<Counter> { State = new Counter { N = 5 } }));

        var current = new GrainState<Counter>();
        await storage.ReadStateAsync("station", Grain, current);
        await storage.ClearStateAsync("station", Grain, current);
        Assert.Equal((null, false), (current.ETag, current.RecordExists));

        var read = new GrainState<Counter>();
        await storage.ReadStateAsync("station", Grain, read);
        Assert.Equal((0, null, false), (read.State!.N, read.ETag, read.RecordExists));
        Assert.Equal(0, _store.Count);
    }
}
