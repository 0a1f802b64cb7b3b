namespace EvSwap.Contracts;

public static class BatteryIds
{
    /// <summary>As the telemetry validator allows a slot's batteryId.</summary>
    public const int MaxLength = 64;

    public static bool IsValid(string? id) => !string.IsNullOrEmpty(id) && id.Length <= MaxLength && !id.Any(char.IsControl);

    /// <summary>Stable across processes, like <see cref="FleetIndex.ShardOf"/>.</summary>
    public static int ShardOf(string batteryId, int shardCount) => FleetIndex.ShardOf(batteryId, shardCount);
}
