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

    /// <summary>Stops appending, and removes every segment when <paramref name="removeAll"/> (nothing is left to replay).</summary>
    Task CloseAsync(bool removeAll);

    /// <summary>Bytes in segments not removed yet.</summary>
    long RetainedBytes { get; }
}
