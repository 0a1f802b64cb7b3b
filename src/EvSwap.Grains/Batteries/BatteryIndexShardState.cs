using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// A battery index shard as one stored item, as it was kept before its summaries were chunked: read once, when a shard
/// has no chunks yet, so a deployment that upgrades keeps its index.
/// </summary>
[GenerateSerializer]
public sealed class BatteryIndexShardState
{
    [Id(0)] public Dictionary<string, BatterySummary> Batteries { get; set; } = new(StringComparer.Ordinal);
}
