using System.Diagnostics.Metrics;

namespace EvSwap.IngestLog;

/// <summary>The ingest log's instruments on the <c>EvSwap.IngestLog</c> meter.</summary>
public sealed class IngestLogMetrics
{
    public const string MeterName = "EvSwap.IngestLog";
    public const string CommitLatencyName = "evswap.log.commit_latency";
    public const string ReplayedName = "evswap.log.replayed";

    private readonly Histogram<double> _commitLatency;
    private readonly Counter<long> _replayed;
    private readonly Counter<long> _unreadableBytes;
    private readonly Counter<long> _requests;
    private long _requestCount;
    private long _replayPending;

    public IngestLogMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _commitLatency = meter.CreateHistogram<double>(CommitLatencyName, "ms", "From append to fsync of a record's group: what the log adds before an acknowledgement.");
        _replayed = meter.CreateCounter<long>(ReplayedName, "{message}", "Records of an earlier run's log handed to the ingest path again.");
        _unreadableBytes = meter.CreateCounter<long>("evswap.log.unreadable_bytes", "By", "Bytes at the end of a replayed segment that failed their checksum or were cut short (a crash mid-write).");
        _requests = meter.CreateCounter<long>("evswap.log.requests", "{request}", "Writes to the log's store (S3 PUTs for the S3 log): the log's cost per message.");
        meter.CreateObservableUpDownCounter("evswap.log.replay_pending", () => Interlocked.Read(ref _replayPending), "{segment}",
            "Segments of an earlier run not replayed yet; above zero for long means a replay that does not finish.");
    }

    /// <summary>Exposed for a readiness check and tests.</summary>
    public long ReplayPending => Interlocked.Read(ref _replayPending);

    public void Committed(TimeSpan latency, int records)
    {
        for (var i = 0; i < records; i++)
        {
            _commitLatency.Record(latency.TotalMilliseconds);
        }
    }

    /// <summary>Store writes so far, for the benchmark's requests-per-message figure.</summary>
    public long Requests => Interlocked.Read(ref _requestCount);

    public void Requested()
    {
        Interlocked.Increment(ref _requestCount);
        _requests.Add(1);
    }

    public void ReplayStarted(int segments) => Interlocked.Add(ref _replayPending, segments);

    public void SegmentReplayed(int records, long unreadableBytes)
    {
        Interlocked.Decrement(ref _replayPending);
        _replayed.Add(records);
        if (unreadableBytes > 0)
        {
            _unreadableBytes.Add(unreadableBytes);
        }
    }
}
