using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// A fleet index shard as one stored item, as it was kept before its summaries were chunked: read once, when a shard
/// has no chunks yet, so a deployment that upgrades keeps its index.
/// </summary>
[GenerateSerializer]
public sealed class FleetShardState
{
    [Id(0)] public Dictionary<string, StationSummary> Stations { get; set; } = new(StringComparer.Ordinal);
}
