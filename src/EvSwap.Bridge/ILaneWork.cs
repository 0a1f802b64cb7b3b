namespace EvSwap.Bridge;

/// <summary>What <see cref="StationLanes{T}"/> does with an item: try it once, retry it while its station is parked, release it.</summary>
internal interface ILaneWork<in T>
{
    /// <summary>
    /// One attempt, on the lane's own worker. True when the item is finished with (applied, rejected, or given up at
    /// shutdown); false when it failed and must be retried, which parks its station. Does not throw.
    /// </summary>
    Task<bool> TryAsync(T item);

    /// <summary>
    /// Retries a parked station's item until it is finished (true), or until shutdown gives up on it (false: it and the
    /// rest of its station's parked items are released undone). Runs beside the lane, never on its worker. Does not throw.
    /// </summary>
    Task<bool> RetryAsync(T item);

    /// <summary>Called exactly once per item, when the lane no longer holds it, finished or not.</summary>
    void Release(T item);
}
