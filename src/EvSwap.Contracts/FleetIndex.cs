namespace EvSwap.Contracts;

public static class FleetIndex
{
    /// <summary>
    /// Stable across processes and versions (unlike string.GetHashCode), so a station always reports to the same shard.
    /// </summary>
    public static int ShardOf(string stationId, int shardCount)
    {
        // FNV-1a over UTF-16 code units: stable, cheap, and good enough spread for short ids.
        var hash = 2166136261u;
        foreach (var c in stationId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)shardCount);
    }
}
