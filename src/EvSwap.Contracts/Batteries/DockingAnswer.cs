namespace EvSwap.Contracts;

/// <param name="Refused">Dockings the shard did not take: they go to their battery grains.</param>
/// <param name="Write">The shard's write that stores the taken ones (0 when it took none), for <see cref="IBatteryIndexShardGrain.Stored"/>.</param>
[GenerateSerializer, Immutable]
public sealed record DockingAnswer([property: Id(0)] IReadOnlyList<BatteryEvent> Refused, [property: Id(1)] long Write);
