using EvSwap.Contracts;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>
/// The silo's one way to the battery index for dockings (<see cref="IndexDocking"/>): every station's dockings for a
/// shard that arrive within <see cref="Gather"/> go in one call. A fleet coming online docks 16 batteries per station,
/// spread over every shard; called per station that was a <c>Dock</c> and a <c>Stored</c> call per shard and station,
/// about 30 grain calls for each new station's first message, more silo CPU than the grain activations they replaced.
/// </summary>
public sealed class BatteryDockingDesk(IGrainFactory grains, IOptions<BatteryIndexOptions> index)
{
    /// <summary>How long a shard's dockings gather before they go: short beside the shard's write they wait for anyway.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);

    /// <summary>Dockings per call at most, so one call's message stays small however many stations onboard at once.</summary>
    public const int MaxPerCall = 2_000;

    private readonly Dictionary<int, ShardLane> _lanes = [];

    /// <summary>Hands dockings to their shards and returns once each shard has stored those it took.</summary>
    /// <returns>The dockings the shards refused: they go to their battery grains.</returns>
    public async Task<IReadOnlyList<BatteryEvent>> DockAsync(IReadOnlyList<BatteryEvent> dockings)
    {
        var shards = index.Value.IndexShards;
        var refused = await Task.WhenAll(dockings.GroupBy(e => BatteryIds.ShardOf(e.BatteryId, shards)).Select(byShard => Lane(byShard.Key).Enqueue([.. byShard])));
        return [.. refused.SelectMany(r => r)];
    }

    private ShardLane Lane(int shard)
    {
        lock (_lanes)
        {
            if (!_lanes.TryGetValue(shard, out var lane))
            {
                _lanes[shard] = lane = new ShardLane(grains.GetGrain<IBatteryIndexShardGrain>(shard));
            }

            return lane;
        }
    }

    private sealed class ShardLane(IBatteryIndexShardGrain shard)
    {
        private List<(List<BatteryEvent> Dockings, TaskCompletionSource<IReadOnlyList<BatteryEvent>> Done)> _waiting = [];
        private bool _running;

        public Task<IReadOnlyList<BatteryEvent>> Enqueue(List<BatteryEvent> dockings)
        {
            var done = new TaskCompletionSource<IReadOnlyList<BatteryEvent>>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (this)
            {
                _waiting.Add((dockings, done));
                if (!_running)
                {
                    _running = true;
                    _ = Task.Run(RunAsync);
                }
            }

            return done.Task;
        }

        /// <summary>One <c>Dock</c> call at a time per shard; what arrives meanwhile goes with the next.</summary>
        private async Task RunAsync()
        {
            while (true)
            {
                await Task.Delay(Gather);
                var batch = Take();
                if (batch.Count == 0)
                {
                    return;
                }

                try
                {
                    var answer = await shard.Dock([.. batch.SelectMany(b => b.Dockings)]);
                    // The next batch need not wait for this one's write.
                    _ = AnswerOnceStoredAsync(batch, answer);
                }
                catch (Exception ex)
                {
                    batch.ForEach(b => b.Done.TrySetException(ex));
                }
            }
        }

        private List<(List<BatteryEvent> Dockings, TaskCompletionSource<IReadOnlyList<BatteryEvent>> Done)> Take()
        {
            lock (this)
            {
                var count = 0;
                var take = 0;
                while (take < _waiting.Count && (take == 0 || count + _waiting[take].Dockings.Count <= MaxPerCall))
                {
                    count += _waiting[take++].Dockings.Count;
                }

                var batch = _waiting.GetRange(0, take);
                _waiting.RemoveRange(0, take);
                _running = batch.Count > 0;
                return batch;
            }
        }

        private async Task AnswerOnceStoredAsync(List<(List<BatteryEvent> Dockings, TaskCompletionSource<IReadOnlyList<BatteryEvent>> Done)> batch, DockingAnswer answer)
        {
            try
            {
                if (answer.Write > 0)
                {
                    await shard.Stored(answer.Write);
                }

                var refused = answer.Refused.ToHashSet();
                foreach (var (dockings, done) in batch)
                {
                    done.TrySetResult(refused.Count == 0 ? [] : [.. dockings.Where(refused.Contains)]);
                }
            }
            catch (Exception ex)
            {
                batch.ForEach(b => b.Done.TrySetException(ex));
            }
        }
    }
}
