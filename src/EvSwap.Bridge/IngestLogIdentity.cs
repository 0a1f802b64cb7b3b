using Orleans.Runtime;

namespace EvSwap.Bridge;

/// <summary>
/// Which log is this silo's, and which log each member of the cluster writes. A single local silo keeps one name across
/// restarts, so it finds the log it left; in a cluster the name carries the silo's generation, so a silo restarted on
/// the same address writes a new log and its old one is replayed like any dead silo's.
/// </summary>
public sealed class IngestLogIdentity
{
    private readonly string? _single;

    private IngestLogIdentity(string own, string? single)
    {
        Own = own;
        _single = single;
    }

    public string Own { get; }

    /// <summary>No other silo shares this silo's stations, so what this silo archived is all the log waits for.</summary>
    public bool IsSingleSilo => _single is not null;

    public static IngestLogIdentity SingleSilo(string name) => new(name, name);

    public static IngestLogIdentity InCluster(SiloAddress self) => new(NameOf(self), null);

    public string LogOf(SiloAddress silo) => _single ?? NameOf(silo);

    private static string NameOf(SiloAddress silo) => $"{silo.Endpoint.Address}-{silo.Endpoint.Port}-{silo.Generation}";
}
