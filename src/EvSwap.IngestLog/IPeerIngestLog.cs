namespace EvSwap.IngestLog;

/// <summary>
/// The log of a silo that died, held by the survivor replaying it. Disposing releases it; a log whose segments were all
/// removed is gone.
/// </summary>
public interface IPeerIngestLog : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Its segments, oldest first.</summary>
    IReadOnlyList<string> Segments { get; }

    /// <summary>
    /// Its silo stopped cleanly with its own stations' messages archived; what it kept was handed to stations on other
    /// silos, which still hold it. Otherwise it crashed, and stations it hosted lost messages other silos received.
    /// </summary>
    bool StoppedCleanly { get; }

    Task<LogSegmentContents> ReadAsync(string segment, CancellationToken cancellationToken);

    /// <summary>The segment's records are safe elsewhere (in the survivor's own log): forget it.</summary>
    Task RemoveAsync(string segment, CancellationToken cancellationToken);
}
