namespace EvSwap.Contracts;

/// <summary>What a battery grain tells its index shard: enough to filter the fleet without activating a battery.</summary>
[GenerateSerializer, Immutable]
public sealed record BatterySummary(
    [property: Id(0)] string BatteryId,
    [property: Id(1)] BatteryCustody Custody,
    [property: Id(2)] double? SohPct,
    [property: Id(3)] IReadOnlyList<string> Anomalies,
    [property: Id(4)] DateTimeOffset Updated);
