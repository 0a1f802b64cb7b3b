using System.Buffers;
using System.Globalization;
using System.Threading.Channels;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace EvSwap.IngestLog.S3;

/// <summary>
/// The log as S3 objects, <c>ingest-log/{name}/{number}.seg</c>, with group commit: every record received within one
/// <see cref="IngestLogOptions.CommitInterval"/> goes into one PUT, and the records are written and durable together
/// when it returns. A PUT that fails is retried with backoff; meanwhile the broker keeps the unacknowledged messages.
/// </summary>
public sealed class S3IngestLog(IAmazonS3 s3, string bucket, string name, IngestLogOptions options, TimeProvider time, ILogger<S3IngestLog> logger, IngestLogMetrics? metrics = null) : IIngestLog
{
    internal const string Root = "ingest-log/";
    private const string Extension = ".seg";
    private const string CleanStopMarker = "stopped-cleanly";

    private readonly Channel<Pending> _appends = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly List<S3Segment> _objects = [];
    private readonly CancellationTokenSource _closing = new();
    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(10),
            MaxRetryAttempts = int.MaxValue,
        })
        .Build();

    private long _next = 1;
    private Task _committer = Task.CompletedTask;

    private string Prefix => Root + name + "/";

    public long RetainedBytes
    {
        get
        {
            lock (_lock)
            {
                return _objects.Sum(o => o.Length);
            }
        }
    }

    public async Task<IReadOnlyList<string>> OpenAsync(CancellationToken cancellationToken)
    {
        var left = (await ListAsync(Prefix, cancellationToken)).Where(o => o.Key.EndsWith(Extension, StringComparison.Ordinal)).ToList();
        await DeleteAsync([Prefix + CleanStopMarker], cancellationToken);
        lock (_lock)
        {
            _objects.AddRange(left.Select(o => new S3Segment(o.Key, o.Size ?? 0, DateTimeOffset.MaxValue)));
        }

        if (left.Count > 0)
        {
            _next = long.Parse(left[^1].Key[Prefix.Length..^Extension.Length], CultureInfo.InvariantCulture) + 1;
        }

        _committer = Task.Run(CommitLoopAsync, CancellationToken.None);
        return [.. left.Select(o => o.Key)];
    }

    public LogAppend Append(LogRecord record)
    {
        var written = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_appends.Writer.TryWrite(new Pending(record, written)))
        {
            written.SetException(new InvalidOperationException("The ingest log is closed."));
        }

        return new LogAppend(written.Task);
    }

    public void MarkReplayed(string path, DateTimeOffset newest)
    {
        lock (_lock)
        {
            var i = _objects.FindIndex(o => o.Key == path);
            if (i >= 0)
            {
                _objects[i] = _objects[i] with { Newest = newest };
            }
        }
    }

    public int RemoveSegmentsBefore(DateTimeOffset horizon)
    {
        List<S3Segment> removable;
        lock (_lock)
        {
            removable = _objects.Where(o => o.Newest < horizon).ToList();
            _objects.RemoveAll(removable.Contains);
        }

        if (removable.Count > 0)
        {
            // DELETE requests cost nothing; a failed one leaves an object a later replay finds already archived.
            _ = DeleteAsync([.. removable.Select(o => o.Key)], CancellationToken.None).ContinueWith(
                t => logger.LogWarning(t.Exception, "Ingest log: removing {Count} archived log objects failed; a later replay finds them archived.", removable.Count),
                TaskContinuationOptions.OnlyOnFaulted);
        }

        return removable.Count;
    }

    public async Task CloseAsync(DateTimeOffset removeBefore, bool stoppedCleanly)
    {
        _appends.Writer.TryComplete();

        // What is still waiting gets its PUT, unless S3 stays down: then it is not acknowledged and the broker keeps it.
        _closing.CancelAfter(TimeSpan.FromSeconds(30));
        await _committer;
        List<string> removable;
        bool empty;
        lock (_lock)
        {
            removable = [.. _objects.Where(o => o.Newest < removeBefore).Select(o => o.Key)];
            _objects.RemoveAll(o => removable.Contains(o.Key));
            empty = _objects.Count == 0;
        }

        await DeleteAsync(removable, CancellationToken.None);
        if (!empty && stoppedCleanly)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Prefix + CleanStopMarker, ContentBody = time.GetUtcNow().ToString("O"), UseChunkEncoding = false });
        }
    }

    public IReadOnlyList<string> RetainedSegments()
    {
        lock (_lock)
        {
            return [.. _objects.Select(o => o.Key)];
        }
    }

    public Task<LogSegmentContents> ReadSegmentAsync(string segment, CancellationToken cancellationToken) => S3LogObjects.ReadAsync(s3, bucket, segment, cancellationToken);

    public async Task<IReadOnlyList<string>> ListPeerLogsAsync(CancellationToken cancellationToken)
    {
        var peers = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = Root, Delimiter = "/" };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, cancellationToken);
            peers.AddRange((response.CommonPrefixes ?? []).Select(p => p[Root.Length..^1]).Where(n => n != name));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return peers;
    }

    public async Task<PeerLogTakeover> TryTakeOverAsync(string peer, CancellationToken cancellationToken)
    {
        // No lock in S3: the claim grain gives a dead silo's log to one survivor at a time.
        var prefix = Root + peer + "/";
        var objects = await ListAsync(prefix, cancellationToken);
        if (objects.Count == 0)
        {
            return new PeerLogTakeover(PeerLogState.Gone);
        }

        var clean = objects.Any(o => o.Key == prefix + CleanStopMarker);
        var segments = objects.Where(o => o.Key.EndsWith(Extension, StringComparison.Ordinal)).Select(o => o.Key).ToList();
        return new PeerLogTakeover(PeerLogState.Taken, new S3PeerLog(s3, bucket, peer, segments, clean, prefix + CleanStopMarker));
    }

    internal async Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        foreach (var chunk in keys.Chunk(1000))
        {
            await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [.. chunk.Select(k => new KeyVersion { Key = k })] }, cancellationToken);
        }
    }

    private async Task<List<S3Object>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var objects = new List<S3Object>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, cancellationToken);
            objects.AddRange(response.S3Objects ?? []);
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return [.. objects.OrderBy(o => o.Key, StringComparer.Ordinal)];
    }

    private async Task CommitLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        var group = new List<Pending>();
        while (await _appends.Reader.WaitToReadAsync())
        {
            // The window opens with the first record waiting; everything that arrives within it shares one PUT.
            var opened = time.GetTimestamp();
            var deadline = time.GetUtcNow() + options.CommitInterval;
            group.Clear();
            buffer.ResetWrittenCount();
            while (buffer.WrittenCount < options.MaxObjectBytes)
            {
                if (_appends.Reader.TryRead(out var pending))
                {
                    var length = LogRecordCodec.EncodedLength(pending.Record);
                    LogRecordCodec.Encode(pending.Record, buffer.GetSpan(length));
                    buffer.Advance(length);
                    group.Add(pending);
                    continue;
                }

                var left = deadline - time.GetUtcNow();
                if (left <= TimeSpan.Zero || _appends.Reader.Completion.IsCompleted)
                {
                    break;
                }

                using var window = new CancellationTokenSource(left, time);
                try
                {
                    if (!await _appends.Reader.WaitToReadAsync(window.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            await CommitAsync(group, buffer.WrittenMemory, opened);
        }
    }

    private async Task CommitAsync(List<Pending> group, ReadOnlyMemory<byte> content, long opened)
    {
        var key = Prefix + _next++.ToString("D12", CultureInfo.InvariantCulture) + Extension;
        var bytes = content.ToArray();
        try
        {
            await _retry.ExecuteAsync(async ct =>
            {
                metrics?.Requested();
                using var stream = new MemoryStream(bytes, writable: false);
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = stream, UseChunkEncoding = false, AutoCloseStream = false }, ct);
            }, _closing.Token);
        }
        catch (OperationCanceledException ex)
        {
            logger.LogError("Ingest log: {Count} records could not be written to S3 before the stop; they are not acknowledged, so the broker sends them again.", group.Count);
            foreach (var pending in group)
            {
                pending.Written.TrySetException(ex);
            }

            return;
        }

        lock (_lock)
        {
            _objects.Add(new S3Segment(key, bytes.Length, group.Max(p => p.Record.ReceivedAt)));
        }

        metrics?.Committed(time.GetElapsedTime(opened), group.Count);
        foreach (var pending in group)
        {
            pending.Written.TrySetResult(Task.CompletedTask);
        }
    }

    private sealed record Pending(LogRecord Record, TaskCompletionSource<Task> Written);

    private sealed record S3Segment(string Key, long Length, DateTimeOffset Newest);
}
