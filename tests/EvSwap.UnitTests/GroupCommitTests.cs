using EvSwap.Grains;

namespace EvSwap.UnitTests;

/// <summary>Changes made while a write runs share the next write, and nobody hears back before their change is stored.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task Changes_made_during_a_write_share_the_next_one_and_each_caller_returns_only_after_it()
    {
        var first = new TaskCompletionSource();
        var writes = 0;
        var commit = new GroupCommit(async () =>
        {
            if (Interlocked.Increment(ref writes) == 1)
            {
                await first.Task;
            }
        });

        var writing = commit.StoreAsync();
        var waiting = Enumerable.Range(0, 9).Select(_ => commit.StoreAsync()).ToList();
        await Task.Delay(50);
        Assert.False(writing.IsCompleted);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));

        first.SetResult();
        var results = await Task.WhenAll(waiting.Prepend(writing));

        // The first write, then one for the nine changes made while it ran.
        Assert.Equal(2, writes);
        Assert.Equal(2, results.Count(wrote => wrote));
    }

    [Fact]
    public async Task A_failed_write_throws_to_its_caller_and_the_next_change_writes_again()
    {
        var fail = true;
        var writes = 0;
        var commit = new GroupCommit(() =>
        {
            writes++;
            return fail ? Task.FromException(new IOException("store unavailable")) : Task.CompletedTask;
        });

        await Assert.ThrowsAsync<IOException>(commit.StoreAsync);
        fail = false;

        Assert.True(await commit.StoreAsync());
        Assert.Equal(2, writes);
    }
}
