namespace EvSwap.IngestLog;

/// <summary><c>IngestLog:Provider=None</c>: nothing is logged, every append is complete at once.</summary>
public sealed class NoIngestLog : IIngestLog
{
    public long RetainedBytes => 0;

    public Task<IReadOnlyList<string>> OpenAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

    public LogAppend Append(LogRecord record) => LogAppend.None;

    public void MarkReplayed(string path, DateTimeOffset newest)
    {
    }

    public int RemoveSegmentsBefore(DateTimeOffset horizon) => 0;

    public Task CloseAsync(DateTimeOffset removeBefore, bool stoppedCleanly) => Task.CompletedTask;

    public IReadOnlyList<string> RetainedSegments() => [];

    public Task<LogSegmentContents> ReadSegmentAsync(string segment, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("IngestLog:Provider=None keeps no segments.");

    public Task<IReadOnlyList<string>> ListPeerLogsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

    public Task<PeerLogTakeover> TryTakeOverAsync(string name, CancellationToken cancellationToken) => Task.FromResult(new PeerLogTakeover(PeerLogState.Gone));
}
