namespace EvSwap.IngestLog;

/// <summary>A dead silo's log folder, held through its lock file so that its owner (restarted) or another survivor cannot use it meanwhile.</summary>
internal sealed class FileSystemPeerLog(string directory, FileStream ownership, IReadOnlyList<string> segments, bool stoppedCleanly) : IPeerIngestLog
{
    public string Name => Path.GetFileName(directory);

    public IReadOnlyList<string> Segments => segments;

    public bool StoppedCleanly => stoppedCleanly;

    public Task<LogSegmentContents> ReadAsync(string segment, CancellationToken cancellationToken) => LogSegmentReader.ReadAsync(segment, cancellationToken);

    public Task RemoveAsync(string segment, CancellationToken cancellationToken)
    {
        File.Delete(segment);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        var empty = Directory.GetFiles(directory, "*" + FileSystemIngestLog.Extension).Length == 0;
        ownership.Dispose();
        if (empty)
        {
            // Nothing left to replay: the folder goes, so no survivor looks at it again.
            Directory.Delete(directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
