using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace EvSwap.IngestLog;

/// <summary>
/// The fsync half of group commit: takes every group written since its last pass, fsyncs each segment they went to
/// once, then completes their durable tasks and closes the segments that are done. Runs beside the writer, so an
/// append never waits for another group's fsync.
/// </summary>
internal sealed class SegmentSyncer(TimeProvider time, ILogger logger, IngestLogMetrics? metrics)
{
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = Task.Run(LoopAsync, CancellationToken.None);

    /// <summary>A group of <paramref name="records"/> was written to <paramref name="handle"/>; <paramref name="durable"/> completes once fsynced.</summary>
    public void Sync(SafeFileHandle handle, TaskCompletionSource durable, long oldestAppendedAt, int records) =>
        _requests.Writer.TryWrite(new Request(handle, durable, Close: false, oldestAppendedAt, records));

    /// <summary>Nothing more is written to the segment: fsync what was, then close it.</summary>
    public void Close(SafeFileHandle handle) => _requests.Writer.TryWrite(new Request(handle, null, Close: true, 0, 0));

    /// <summary>Finishes what was asked and stops.</summary>
    public Task CompleteAsync()
    {
        _requests.Writer.TryComplete();
        return _loop;
    }

    private async Task LoopAsync()
    {
        var requests = new List<Request>();
        while (await _requests.Reader.WaitToReadAsync())
        {
            requests.Clear();
            while (_requests.Reader.TryRead(out var request))
            {
                requests.Add(request);
            }

            Exception? failure = null;
            foreach (var handle in requests.Select(r => r.Handle).Distinct())
            {
                try
                {
                    RandomAccess.FlushToDisk(handle);
                }
                catch (Exception ex)
                {
                    failure = ex;
                    logger.LogError(ex, "Ingest log: fsync failed; the records of this group are not acknowledged as durable.");
                }
            }

            foreach (var request in requests)
            {
                if (failure is null)
                {
                    request.Durable?.TrySetResult();
                    if (request.Records > 0)
                    {
                        metrics?.Committed(time.GetElapsedTime(request.OldestAppendedAt), request.Records);
                    }
                }
                else
                {
                    request.Durable?.TrySetException(failure);
                }

                if (request.Close)
                {
                    request.Handle.Dispose();
                }
            }
        }
    }

    private sealed record Request(SafeFileHandle Handle, TaskCompletionSource? Durable, bool Close, long OldestAppendedAt, int Records);
}
