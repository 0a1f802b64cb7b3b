namespace EvSwap.IngestLog;

public enum PeerLogState
{
    /// <summary>Held now by the caller, to replay.</summary>
    Taken,

    /// <summary>Its owner (still stopping, or restarted) or another survivor holds it: ask again later.</summary>
    Held,

    /// <summary>No such log: its owner stopped cleanly and removed it, or another survivor replayed it.</summary>
    Gone,
}

/// <summary>The answer to taking over another silo's log.</summary>
public sealed record PeerLogTakeover(PeerLogState State, IPeerIngestLog? Log = null);
