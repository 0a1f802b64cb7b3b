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
    internal const string Extension = ".seg";
    internal const string LockFile = ".lock";
    internal const string CleanStopMarker = ".stopped-cleanly";
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
            _ownership = new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException(
                $"The ingest log folder {directory} is in use by another silo. Give each silo its own IngestLog:Path (or stop the other one).", ex);
        }

        File.Delete(Path.Combine(directory, CleanStopMarker));
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

        foreach (var segment in removable.Where(r => File.Exists(r.Path)))
        {
            File.Delete(segment.Path);
        }

        return removable.Count;
    }

    public IReadOnlyList<string> RetainedSegments()
    {
        lock (_lock)
        {
            return [.. _closed.Select(s => s.Path).Concat(_open is { } open ? [open.Path] : [])];
        }
    }

    public Task<LogSegmentContents> ReadSegmentAsync(string segment, CancellationToken cancellationToken) => LogSegmentReader.ReadAsync(segment, cancellationToken);

    public Task<IReadOnlyList<string>> ListPeerLogsAsync(CancellationToken cancellationToken)
    {
        var root = Path.GetDirectoryName(directory)!;
        var own = Path.GetFileName(directory);
        IReadOnlyList<string> peers = System.IO.Directory.Exists(root)
            ? [.. System.IO.Directory.GetDirectories(root).Select(Path.GetFileName).Where(n => n != own).Order(StringComparer.Ordinal)!]
            : [];
        return Task.FromResult(peers);
    }

    public Task<PeerLogTakeover> TryTakeOverAsync(string name, CancellationToken cancellationToken)
    {
        var peer = Path.Combine(Path.GetDirectoryName(directory)!, name);
        FileStream ownership;
        try
        {
            // Open, never create: a folder another survivor replayed and removed is not brought back.
            ownership = new FileStream(Path.Combine(peer, LockFile), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult(new PeerLogTakeover(PeerLogState.Gone));
        }
        catch (IOException)
        {
            return Task.FromResult(new PeerLogTakeover(PeerLogState.Held));
        }

        var segments = System.IO.Directory.GetFiles(peer, "*" + Extension).Order(StringComparer.Ordinal).ToList();
        var clean = File.Exists(Path.Combine(peer, CleanStopMarker));
        return Task.FromResult(new PeerLogTakeover(PeerLogState.Taken, new FileSystemPeerLog(peer, ownership, segments, clean)));
    }

    public async Task CloseAsync(DateTimeOffset removeBefore, bool stoppedCleanly)
    {
        _appends.Writer.TryComplete();
        await _writer;
        await _syncer.CompleteAsync();
        RemoveSegmentsBefore(removeBefore);
        bool empty;
        lock (_lock)
        {
            empty = _closed.Count == 0;
        }

        if (empty && System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        else if (stoppedCleanly && System.IO.Directory.Exists(directory))
        {
            File.WriteAllText(Path.Combine(directory, CleanStopMarker), time.GetUtcNow().ToString("O"));
        }

        _ownership?.Dispose();
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
