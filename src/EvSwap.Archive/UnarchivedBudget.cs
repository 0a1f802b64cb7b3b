namespace EvSwap.Archive;

/// <summary>
/// The silo-wide bound of telemetry held in memory and not yet archived (<c>Archive:MaxUnarchivedBytesPerSilo</c>).
/// Station grains report every change of their backlog through <c>StationMetrics.ArchiveBacklogChanged</c>, which adds
/// it here; the bridge asks <see cref="IsExceeded"/> before it hands a message on and, while it is, refuses without
/// acknowledging, so the broker (or the publisher) keeps the message instead of this process.
/// </summary>
/// <remarks>
/// The bound counts raw payload bytes, as <c>Archive:MaxPendingBytes</c> does per station, but station buffers hold
/// them gzip-compressed: snapshots of one station shrink about 7.7x (446 KB of 240 snapshots held as 58 KB, see
/// docs/benchmarks.md). The default lets the buffers take about half of the memory the runtime may use, assuming 8x:
/// four times <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>, which honours the container's cgroup limit (in a
/// container the GC's own heap limit, 75 % of it). The other half is for activations and their state, the fleet
/// index, the bridge's lanes and the garbage collector's headroom. A fleet whose snapshots compress worse than that
/// should set the bound explicitly (compare <c>evswap.archive.backlog</c> with the task's memory).
/// </remarks>
public sealed class UnarchivedBudget
{
    /// <summary>Share of the available memory the station buffers may fill by default.</summary>
    public const double DefaultMemoryShare = 0.5;

    /// <summary>Raw bytes per byte held that the default counts on (measured 7.7x on realistic snapshots).</summary>
    public const double AssumedCompression = 8;

    // Nothing runs a silo in less; it also keeps a runtime that reports no memory from deriving a zero budget.
    private const long MinimumMemoryBytes = 256L * 1024 * 1024;

    private long _used;

    public UnarchivedBudget(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitBytes);
        LimitBytes = limitBytes;
    }

    public long LimitBytes { get; }

    /// <summary>Raw bytes the silo's station grains hold unarchived.</summary>
    public long UsedBytes => Interlocked.Read(ref _used);

    /// <summary>True from the moment the silo holds its limit until grains have archived enough to fall below it.</summary>
    public bool IsExceeded => Interlocked.Read(ref _used) >= LimitBytes;

    /// <summary>Used as a share of the limit (1 = at the limit).</summary>
    public double Use => (double)UsedBytes / LimitBytes;

    public void Add(long deltaBytes) => Interlocked.Add(ref _used, deltaBytes);

    /// <summary>The configured limit, or the default derived from the memory this process may use.</summary>
    public static UnarchivedBudget For(ArchiveOptions options) =>
        new(options.MaxUnarchivedBytesPerSilo ?? DefaultLimitBytes(AvailableMemoryBytes()));

    public static long DefaultLimitBytes(long availableMemoryBytes) =>
        (long)(availableMemoryBytes * DefaultMemoryShare * AssumedCompression);

    /// <summary>What the garbage collector may use: the container's memory limit (its heap share) or the machine's memory.</summary>
    public static long AvailableMemoryBytes() => Math.Max(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, MinimumMemoryBytes);
}
