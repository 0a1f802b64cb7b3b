namespace EvSwap.IngestLog;

/// <summary>
/// The write-ahead log of received telemetry. The ingest path appends every message before the broker is acknowledged;
/// after a crash the next start replays what an earlier run left; retention removes segments once the archive holds
/// everything in them.
/// </summary>
public interface IIngestLog
{
    /// <summary>Opens the log; returns the segments an earlier run of this silo left behind (it did not stop cleanly), oldest first.</summary>
    Task<IReadOnlyList<string>> OpenAsync(CancellationToken cancellationToken);

    LogAppend Append(LogRecord record);

    /// <summary>
    /// A segment an earlier run left was replayed: its records are now with the stations, and it may be removed once
    /// the archive holds everything received up to <paramref name="newest"/>. Until then retention keeps it.
    /// </summary>
    void MarkReplayed(string path, DateTimeOffset newest);

    /// <summary>Removes closed segments whose every record was received before <paramref name="horizon"/>.</summary>
    int RemoveSegmentsBefore(DateTimeOffset horizon);

    /// <summary>
    /// Stops appending and removes the segments whose every record was received before <paramref name="removeBefore"/>;
    /// when none is left the log is gone. What is kept is replayed by the next start or by a survivor, which learns from
    /// <paramref name="stoppedCleanly"/> that this silo's own stations archived everything before it stopped.
    /// </summary>
    Task CloseAsync(DateTimeOffset removeBefore, bool stoppedCleanly);

    /// <summary>Bytes in segments not removed yet.</summary>
    long RetainedBytes { get; }

    /// <summary>Every segment this log still keeps, oldest first, the one being written included.</summary>
    IReadOnlyList<string> RetainedSegments();

    /// <summary>The valid records of one of this log's segments.</summary>
    Task<LogSegmentContents> ReadSegmentAsync(string segment, CancellationToken cancellationToken);

    /// <summary>The names of the other silos' logs beside this one.</summary>
    Task<IReadOnlyList<string>> ListPeerLogsAsync(CancellationToken cancellationToken);

    /// <summary>Takes over another silo's log to replay it, unless it is held or gone.</summary>
    Task<PeerLogTakeover> TryTakeOverAsync(string name, CancellationToken cancellationToken);
}
