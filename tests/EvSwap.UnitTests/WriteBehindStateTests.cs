using EvSwap.Grains;

namespace EvSwap.UnitTests;

public sealed class WriteBehindStateTests
{
    [Fact]
    public async Task An_unchanged_state_is_not_written()
    {
        var stored = new RecordingState();
        var state = new WriteBehindState<List<int>>(stored, TimeSpan.FromSeconds(30));

        await state.FlushAsync(CancellationToken.None);

        Assert.Equal(0, stored.Writes);
    }

    [Fact]
    public async Task Many_changes_between_flushes_are_written_once()
    {
        var stored = new RecordingState();
        var state = new WriteBehindState<List<int>>(stored, TimeSpan.FromSeconds(30));

        for (var i = 0; i < 5; i++)
        {
            state.State.Add(i);
            state.Changed();
        }

        await state.FlushAsync(CancellationToken.None);
        await state.FlushAsync(CancellationToken.None);

        Assert.Equal(1, stored.Writes);
        Assert.False(state.IsDirty);
    }

    [Fact]
    public async Task A_new_key_is_written_a_second_later_in_a_small_state_and_later_in_proportion_to_a_large_one()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Samples.Now);
        var interval = TimeSpan.FromSeconds(30);
        var state = new WriteBehindState<List<int>>(new RecordingState(), interval, clock);

        // Never written: as soon as the delay allows, whatever the size.
        Assert.Equal(TimeSpan.FromSeconds(1), state.ChangedSoon(keys: 10_000));
        Assert.Null(state.ChangedSoon(keys: 10_001));
        await state.FlushAsync(CancellationToken.None);

        // Just written: a small state waits the delay, 10,000 keys wait ten, more than the interval's worth the interval.
        Assert.Equal(TimeSpan.FromSeconds(1), state.ChangedSoon(keys: 500));
        await state.FlushAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(10), state.ChangedSoon(keys: 10_000));
        await state.FlushAsync(CancellationToken.None);
        Assert.Equal(interval, state.ChangedSoon(keys: 100_000));
        await state.FlushAsync(CancellationToken.None);

        // Long enough after the last write, a large state is written as soon as the delay allows again.
        clock.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(TimeSpan.FromSeconds(1), state.ChangedSoon(keys: 10_000));
        Assert.True(state.IsDirty);
    }

    [Fact]
    public async Task With_an_early_writer_a_new_key_writes_only_what_was_added_until_an_interval_after_the_last_full_write()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Samples.Now);
        var (full, soon) = (0, 0);
        var writes = new WriteBehind(_ => { full++; return Task.CompletedTask; }, TimeSpan.FromSeconds(30), clock, _ => { soon++; return Task.CompletedTask; });

        // Never written in full: the first early tick writes everything.
        writes.ChangedSoon(keys: 1);
        await writes.TickAsync(CancellationToken.None);
        Assert.Equal((1, 0), (full, soon));

        writes.ChangedSoon(keys: 1);
        await writes.TickAsync(CancellationToken.None);
        Assert.Equal((1, 1), (full, soon));
        Assert.True(writes.IsDirty);

        // A tick without a new key, or any tick an interval after the full write, writes everything.
        await writes.TickAsync(CancellationToken.None);
        Assert.Equal((2, 1), (full, soon));
        writes.ChangedSoon(keys: 1);
        clock.Advance(TimeSpan.FromSeconds(31));
        await writes.TickAsync(CancellationToken.None);
        Assert.Equal((3, 1), (full, soon));
        Assert.False(writes.IsDirty);
    }

    [Fact]
    public async Task A_failed_write_keeps_the_change_for_the_next_flush()
    {
        var stored = new RecordingState { FailNext = true };
        var state = new WriteBehindState<List<int>>(stored, TimeSpan.FromSeconds(30));
        state.Changed();

        await Assert.ThrowsAsync<IOException>(() => state.FlushAsync(CancellationToken.None));
        Assert.True(state.IsDirty);

        await state.FlushAsync(CancellationToken.None);
        Assert.Equal(1, stored.Writes);
        Assert.False(state.IsDirty);
    }

    [Theory]
    [InlineData(null, false, 0)]
    [InlineData("b", false, 2)]
    [InlineData("b", true, 1)]
    [InlineData("bb", false, 2)]
    [InlineData("bb", true, 2)]
    [InlineData("z", false, 3)]
    public void Sorted_keys_start_after_a_cursor_whether_or_not_it_is_still_a_key(string? after, bool inclusive, int expected)
    {
        var keys = new SortedKeys();
        var ids = keys.Of(new Dictionary<string, int> { ["c"] = 3, ["a"] = 1, ["b"] = 2 });

        Assert.Equal(["a", "b", "c"], ids);
        Assert.Equal(expected, SortedKeys.Start(ids, after, inclusive));
    }

    [Fact]
    public void Sorted_keys_follow_an_added_key_once_invalidated()
    {
        var keys = new SortedKeys();
        var source = new Dictionary<string, int> { ["b"] = 2 };
        Assert.Equal(["b"], keys.Of(source));

        source["a"] = 1;
        Assert.Equal(["b"], keys.Of(source));
        keys.Invalidate();
        Assert.Equal(["a", "b"], keys.Of(source));
    }

    private sealed class RecordingState : IPersistentState<List<int>>
    {
        public int Writes { get; private set; }

        public bool FailNext { get; set; }

        public List<int> State { get; set; } = [];

        public string? Etag => null;

        public bool RecordExists => Writes > 0;

        public Task ClearStateAsync() => Task.CompletedTask;

        public Task ReadStateAsync() => Task.CompletedTask;

        public Task WriteStateAsync()
        {
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("store unavailable");
            }

            Writes++;
            return Task.CompletedTask;
        }
    }
}
