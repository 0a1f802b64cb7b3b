using System.Threading.Channels;
using EvSwap.Contracts;

namespace EvSwap.Bridge;

/// <summary>
/// Work spread over lanes by station id. A lane handles its items one at a time, so a station's snapshots reach its
/// grain in the order they arrived, while different stations proceed in parallel. Each lane is bounded, so a burst
/// waits upstream (in the broker, or in the publisher's TCP window) instead of in this process's memory.
/// </summary>
internal sealed class StationLanes<T>
{
    private readonly Channel<T>[] _lanes;
    private readonly Task[] _workers;

    public StationLanes(int count, int capacityPerLane, Func<T, Task> handle)
    {
        _lanes = new Channel<T>[count];
        _workers = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var lane = _lanes[i] = Channel.CreateBounded<T>(new BoundedChannelOptions(capacityPerLane) { SingleReader = true });
            _workers[i] = Task.Run(async () =>
            {
                await foreach (var item in lane.Reader.ReadAllAsync())
                {
                    await handle(item);
                }
            });
        }
    }

    /// <summary>A station's topic always hashes to the same lane, so every item of one station lands in one lane.</summary>
    public int LaneOf(string topic) => FleetIndex.ShardOf(topic, _lanes.Length);

    public bool TryWrite(string topic, T item) => _lanes[LaneOf(topic)].Writer.TryWrite(item);

    /// <summary>Waits while the station's lane is full; throws <see cref="ChannelClosedException"/> once completed.</summary>
    public ValueTask WriteAsync(string topic, T item, CancellationToken cancellationToken) =>
        _lanes[LaneOf(topic)].Writer.WriteAsync(item, cancellationToken);

    /// <summary>Takes no more items; the returned task ends when every lane has handled what it holds.</summary>
    public Task CompleteAsync()
    {
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        return Task.WhenAll(_workers);
    }

    public int Pending => _lanes.Sum(l => l.Reader.Count);
}
