namespace EvSwap.Simulator;

/// <summary>What <c>GET /stations/{id}</c> reports for one station: its live (boot, seq) and its counters.</summary>
public sealed record PlatformCounters(bool Exists, long Boot, long Seq, long Messages, long Duplicates, long Swaps, long Faults)
{
    public static readonly PlatformCounters None = new(false, 0, -1, 0, 0, 0, 0);
}
