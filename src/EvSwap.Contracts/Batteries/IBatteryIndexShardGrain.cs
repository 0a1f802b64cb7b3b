using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>One shard of the battery index, keyed by <see cref="BatteryIds.ShardOf"/>: lists batteries without activating them.</summary>
public interface IBatteryIndexShardGrain : IGrainWithIntegerKey
{
    /// <summary>Awaited: once a battery grain has stored an event, the API can find the battery.</summary>
    /// <param name="settled">The docking this shard held for the battery that its grain has now stored, if any.</param>
    /// <returns>
    /// A docking this shard holds for the battery that <paramref name="settled"/> does not name (the grain stores it and
    /// settles it with its next push), and for a battery new here the write to wait for.
    /// </returns>
    Task<UpsertAnswer> Upsert(BatterySummary summary, BatteryEvent? settled);

    /// <summary>
    /// Takes the dockings of batteries the index has never seen and that trigger nothing (no alarm, no anomaly), without
    /// their grains: each grain takes its docking over when it is next needed (<see cref="DockingOf"/>).
    /// </summary>
    Task<DockingAnswer> Dock(IReadOnlyList<BatteryEvent> dockings);

    /// <summary>Returns once the write <see cref="DockingAnswer.Write"/> names is stored: only then may a station drop the dockings.</summary>
    [AlwaysInterleave]
    Task Stored(long write);

    /// <summary>The docking this shard holds for a battery whose grain has not stored it.</summary>
    [AlwaysInterleave]
    Task<BatteryEvent?> DockingOf(string batteryId);

    [AlwaysInterleave]
    Task<bool> Contains(string batteryId);

    [AlwaysInterleave]
    Task<BatteryPage> List(BatteryQuery query);
}
