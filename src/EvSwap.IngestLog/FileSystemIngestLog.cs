using System.Buffers;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace EvSwap.IngestLog;

/// <summary>
/// The log as segment files in a folder of its own, <c>{Path}/{logId}/{number}.seg</c>, with group commit: one writer
/// takes every append waiting at the moment and writes them with one system call, and a separate syncer fsyncs what was
/// written. So a record is <see cref="LogAppend.Written"/> within one write call, without waiting for the disk, and
/// durable with its group at the next fsync; appends never wait for each other's fsync.
/// </summary>
public sealed class FileSystemIngestLog(string directory, IngestLogOptions options, TimeProvider time, ILogger<FileSystemIngestLog> logger, IngestLogMetrics? metrics = null) : IIngestLog
{
    private const string Extension = ".seg";
    private const int MaxGroup = 2048;

    private readonly Channel<Pending> _appends = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SegmentSyncer _syncer = new(time, logger, metrics);
    private readonly Lock _lock = new();
    private readonly List<Segment> _closed = [];
    private Segment? _open;
    private long _nextNumber;
    private Task _writer = Task.CompletedTask;
    private FileStream? _ownership;

    public string Directory => directory;

    public long RetainedBytes
    {
        get
        {
            lock (_lock)
            {
                return _closed.Sum(s => s.Length) + (_open?.Length ?? 0);
            }
        }
    }

    public Task<IReadOnlyList<string>> OpenAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            // Two silos appending to one folder would replay and remove each other's records.
            _ownership = new FileStream(Path.Combine(directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException(
                $"The ingest log folder {directory} is in use by another silo. Give each silo its own IngestLog:Path (or stop the other one).", ex);
        }

        var left = System.IO.Directory.GetFiles(directory, "*" + Extension).Order(StringComparer.Ordinal).ToList();
        lock (_lock)
        {
            foreach (var path in left)
            {
                // What an earlier run left is kept like a closed segment until retention finds it archived.
                _closed.Add(new Segment(path, null, new FileInfo(path).Length, DateTimeOffset.MinValue, DateTimeOffset.MaxValue));
            }
        }

        _nextNumber = left.Count == 0 ? 1 : long.Parse(Path.GetFileNameWithoutExtension(left[^1]), CultureInfo.InvariantCulture) + 1;
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        _syncer.Start();
        return Task.FromResult<IReadOnlyList<string>>(left);
    }

    public LogAppend Append(LogRecord record)
    {
        var written = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_appends.Writer.TryWrite(new Pending(record, written, time.GetTimestamp())))
        {
            written.SetException(new InvalidOperationException("The ingest log is closed."));
        }

        return new LogAppend(written.Task);
    }

    public void MarkReplayed(string path, DateTimeOffset newest)
    {
        lock (_lock)
        {
            var i = _closed.FindIndex(s => s.Path == path);
            if (i >= 0)
            {
                _closed[i] = _closed[i] with { Newest = newest };
            }
        }
    }

    public int RemoveSegmentsBefore(DateTimeOffset horizon)
    {
        List<Segment> removable;
        lock (_lock)
        {
            removable = _closed.Where(s => s.Newest < horizon).ToList();
            _closed.RemoveAll(removable.Contains);
        }

        foreach (var segment in removable)
        {
            File.Delete(segment.Path);
        }

        return removable.Count;
    }

    public async Task CloseAsync(bool removeAll)
    {
        _appends.Writer.TryComplete();
        await _writer;
        await _syncer.CompleteAsync();
        _ownership?.Dispose();
        if (removeAll)
        {
            lock (_lock)
            {
                foreach (var segment in _closed)
                {
                    File.Delete(segment.Path);
                }

                _closed.Clear();
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<Pending>(MaxGroup);
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        try
        {
            while (await _appends.Reader.WaitToReadAsync())
            {
                group.Clear();
                while (group.Count < MaxGroup && _appends.Reader.TryRead(out var pending))
                {
                    group.Add(pending);
                }

                Segment segment;
                try
                {
                    segment = CurrentSegment();
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "Ingest log: no segment to write {Count} records to; they are not acknowledged.", group.Count);
                    foreach (var pending in group)
                    {
                        pending.Written.TrySetException(ex);
                    }

                    continue;
                }

                buffer.ResetWrittenCount();
                var newest = segment.Newest;
                foreach (var pending in group)
                {
                    var length = LogRecordCodec.EncodedLength(pending.Record);
                    LogRecordCodec.Encode(pending.Record, buffer.GetSpan(length));
                    buffer.Advance(length);
                    if (pending.Record.ReceivedAt > newest)
                    {
                        newest = pending.Record.ReceivedAt;
                    }
                }

                try
                {
                    RandomAccess.Write(segment.Handle!, buffer.WrittenSpan, segment.Length);
                }
                catch (Exception ex)
                {
                    // Not written means not acknowledged: the broker keeps these and sends them again.
                    logger.LogError(ex, "Ingest log: writing {Count} records to {Path} failed; they are not acknowledged.", group.Count, segment.Path);
                    foreach (var pending in group)
                    {
                        pending.Written.TrySetException(ex);
                    }

                    continue;
                }

                lock (_lock)
                {
                    _open = segment with { Length = segment.Length + buffer.WrittenCount, Newest = newest };
                }

                var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _syncer.Sync(segment.Handle!, durable, group[0].AppendedAt, group.Count);
                foreach (var pending in group)
                {
                    pending.Written.TrySetResult(durable.Task);
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                if (_open is { } last)
                {
                    _closed.Add(last with { Handle = null });
                    _syncer.Close(last.Handle!);
                    _open = null;
                }
            }
        }
    }

    /// <summary>The open segment, after closing it when it is full or old enough.</summary>
    private Segment CurrentSegment()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_open is { } open && (open.Length >= options.SegmentBytes || now - open.OpenedAt >= options.SegmentAge))
            {
                // The syncer closes the handle after fsyncing every group already written to it.
                _closed.Add(open with { Handle = null });
                _syncer.Close(open.Handle!);
                _open = null;
            }

            if (_open is null)
            {
                var path = Path.Combine(directory, _nextNumber++.ToString("D12", CultureInfo.InvariantCulture) + Extension);
                var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete);
                _open = new Segment(path, handle, 0, now, DateTimeOffset.MinValue);
            }

            return _open;
        }
    }

    private sealed record Pending(LogRecord Record, TaskCompletionSource<Task> Written, long AppendedAt);

    /// <param name="Handle">The open segment's handle; null in the list of closed segments.</param>
    /// <param name="Newest">The latest receive time in it; MaxValue for a segment an earlier run left, until it is replayed.</param>
    private sealed record Segment(string Path, SafeFileHandle? Handle, long Length, DateTimeOffset OpenedAt, DateTimeOffset Newest);
}
