using System.Text.Json.Serialization;

namespace EvSwap.Contracts;

/// <summary>What a battery grain tells its index shard: enough to filter the fleet without activating a battery.</summary>
/// <param name="Docking">
/// Set by the index alone, for a battery docked without its grain: the docking event the grain takes over when it is
/// next needed. Never part of the API.
/// </param>
[GenerateSerializer, Immutable]
public sealed record BatterySummary(
    [property: Id(0)] string BatteryId,
    [property: Id(1)] BatteryCustody Custody,
    [property: Id(2)] double? SohPct,
    [property: Id(3)] IReadOnlyList<string> Anomalies,
    [property: Id(4)] DateTimeOffset Updated,
    [property: Id(5), JsonIgnore] BatteryEvent? Docking = null);
