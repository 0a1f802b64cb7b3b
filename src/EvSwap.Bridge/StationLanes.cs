using System.Threading.Channels;
using EvSwap.Contracts;

namespace EvSwap.Bridge;

/// <summary>
/// Work spread over lanes by station. A lane handles its items one at a time, so a station's snapshots reach its grain
/// in the order they arrived, while stations in different lanes proceed in parallel.
/// </summary>
/// <remarks>
/// <para>
/// <b>Parking.</b> When an item's first attempt fails, its station is parked: the item and every later item of that
/// station go to the station's own queue, and a separate task retries them in order (with the retry pipeline's backoff)
/// while the lane goes on with other stations. When the queue is empty the station rejoins its lane. So a station whose
/// grain keeps failing delays only itself, per-station order holds (nothing of a parked station is tried before its
/// earlier items finished), and acknowledge-after-apply is untouched: an item is released, and acknowledged by the
/// work, only when it is finished.
/// </para>
/// <para>
/// <b>Bounds.</b> Each lane holds at most <c>capacityPerLane</c> items, queued, in progress or parked alike; a writer
/// waits (or <see cref="TryWrite"/> fails) when its lane is full, so a burst or a long outage waits upstream, in the
/// broker or in the publisher's TCP window, instead of in this process's memory. The price: a station that keeps
/// failing while its publisher keeps sending fills its lane in the end (at one message per 5 s and 100 items, after
/// about eight minutes), and then that lane takes nothing new until the station recovers. Parked items are never dropped.
/// </para>
/// </remarks>
internal sealed class StationLanes<T>
{
    private readonly Lane[] _lanes;
    private readonly Task[] _workers;
    private readonly ILaneWork<T> _work;
    private readonly int _capacity;

    public StationLanes(int count, int capacityPerLane, ILaneWork<T> work)
    {
        _work = work;
        _capacity = capacityPerLane;
        _lanes = new Lane[count];
        _workers = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var lane = _lanes[i] = new Lane(capacityPerLane);
            _workers[i] = Task.Run(() => RunAsync(lane));
        }
    }

    /// <summary>
    /// A station's topic always hashes to the same lane, so every item of one station lands in one lane. Lanes live in one
    /// process, so the runtime's string hash serves; nothing outside this process has to agree on it.
    /// </summary>
    public int LaneOf(string key) => (int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_lanes.Length);

    /// <summary>Items held: queued, in progress and parked.</summary>
    public int Pending => _lanes.Sum(l => _capacity - l.Slots.CurrentCount);

    /// <summary>Stations currently parked, across all lanes.</summary>
    public int Parked => _lanes.Sum(l =>
    {
        lock (l.Parked)
        {
            return l.Parked.Count;
        }
    });

    /// <summary>False when the lane is full or no longer takes items.</summary>
    public bool TryWrite(string key, T item)
    {
        var lane = _lanes[LaneOf(key)];
        if (!lane.Slots.Wait(0))
        {
            return false;
        }

        if (!lane.Items.Writer.TryWrite((key, item)))
        {
            lane.Slots.Release();
            return false;
        }

        return true;
    }

    /// <summary>Waits while the station's lane is full; throws <see cref="ChannelClosedException"/> once completed.</summary>
    public async ValueTask WriteAsync(string key, T item, CancellationToken cancellationToken)
    {
        var lane = _lanes[LaneOf(key)];
        await lane.Slots.WaitAsync(cancellationToken);
        if (!lane.Items.Writer.TryWrite((key, item)))
        {
            lane.Slots.Release();
            throw new ChannelClosedException();
        }
    }

    /// <summary>Takes no more items; the returned task ends when every lane has finished what it holds, parked items included.</summary>
    public async Task CompleteAsync()
    {
        foreach (var lane in _lanes)
        {
            lane.Items.Writer.TryComplete();
        }

        await Task.WhenAll(_workers);

        // Only workers start retry tasks, so once they are done this list is complete.
        var retries = new List<Task>();
        foreach (var lane in _lanes)
        {
            lock (lane.Parked)
            {
                retries.AddRange(lane.Retries);
            }
        }

        await Task.WhenAll(retries);
    }

    private async Task RunAsync(Lane lane)
    {
        await foreach (var (key, item) in lane.Items.Reader.ReadAllAsync())
        {
            lock (lane.Parked)
            {
                if (lane.Parked.TryGetValue(key, out var waiting))
                {
                    waiting.Enqueue(item);
                    continue;
                }
            }

            bool finished;
            try
            {
                finished = await _work.TryAsync(item);
            }
            catch (Exception)
            {
                // The work promises not to throw; if it does anyway, holding the item would only block its station.
                finished = true;
            }

            if (finished)
            {
                Release(lane, item);
                continue;
            }

            var queue = new Queue<T>();
            queue.Enqueue(item);
            lock (lane.Parked)
            {
                lane.Parked.Add(key, queue);
                lane.Retries.RemoveAll(t => t.IsCompleted);
                lane.Retries.Add(Task.Run(() => RetryParkedAsync(lane, key, queue)));
            }
        }
    }

    /// <summary>Finishes a parked station's items in order, then lets the station rejoin its lane.</summary>
    private async Task RetryParkedAsync(Lane lane, string key, Queue<T> queue)
    {
        var givenUp = false;
        while (true)
        {
            T item;
            lock (lane.Parked)
            {
                if (queue.Count == 0)
                {
                    // Under the lock the worker checks: the station's next item goes straight to the lane again.
                    lane.Parked.Remove(key);
                    return;
                }

                item = queue.Peek();
            }

            if (!givenUp)
            {
                try
                {
                    givenUp = !await _work.RetryAsync(item);
                }
                catch (Exception)
                {
                    givenUp = true;
                }
            }

            lock (lane.Parked)
            {
                queue.Dequeue();
            }

            Release(lane, item);
        }
    }

    private void Release(Lane lane, T item)
    {
        try
        {
            _work.Release(item);
        }
        finally
        {
            lane.Slots.Release();
        }
    }

    private sealed class Lane(int capacity)
    {
        public Channel<(string Key, T Item)> Items { get; } = Channel.CreateUnbounded<(string, T)>(new UnboundedChannelOptions { SingleReader = true });

        /// <summary>One slot per item the lane holds, from the write until its release.</summary>
        public SemaphoreSlim Slots { get; } = new(capacity, capacity);

        /// <summary>Parked stations and their waiting items, oldest first; also the lock for <see cref="Retries"/>.</summary>
        public Dictionary<string, Queue<T>> Parked { get; } = new(StringComparer.Ordinal);

        public List<Task> Retries { get; } = [];
    }
}
