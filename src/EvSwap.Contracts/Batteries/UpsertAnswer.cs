namespace EvSwap.Contracts;

/// <param name="Held">A docking the shard holds for the battery that its grain has not stored (see <see cref="IBatteryIndexShardGrain.Upsert"/>).</param>
/// <param name="Write">For a battery new to the shard, the write that stores it (else 0): the grain confirms its events only once <see cref="IBatteryIndexShardGrain.Stored"/> says so, since nothing may push the battery again for hours.</param>
[GenerateSerializer, Immutable]
public sealed record UpsertAnswer([property: Id(0)] BatteryEvent? Held, [property: Id(1)] long Write);
