using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace EvSwap.Ledger;

/// <summary>
/// Write-behind from the station grains to the swap store, one per silo. Stations hand over records and keep them in
/// their state until the returned task completes; the writer gathers records of many stations into one store request,
/// and retries a failed write with exponential backoff until it succeeds or the silo stops. Whatever is not written
/// then is still in the stations' states and is handed over again on their next activation: records are idempotent.
/// </summary>
public sealed class SwapLedgerWriter : IHostedService, IAsyncDisposable
{
    private readonly Channel<Submission> _queue = Channel.CreateUnbounded<Submission>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ISwapStore _store;
    private readonly LedgerOptions _options;
    private readonly LedgerMetrics _metrics;
    private readonly ILogger<SwapLedgerWriter> _logger;
    private readonly ResiliencePipeline _retry;
    private readonly CancellationTokenSource _abort = new();
    private Task? _loop;
    private long _queued;
    private int _disposed;

    public SwapLedgerWriter(ISwapStore store, IOptions<LedgerOptions> options, LedgerMetrics metrics, ILogger<SwapLedgerWriter> logger)
    {
        _store = store;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        Models = new BatteryModels(_options);
        _retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = _options.RetryMaxDelay,
            OnRetry = args =>
            {
                _metrics.StoreFailed();
                _logger.LogWarning(args.Outcome.Exception, "Swap ledger write failed (attempt {Attempt}); {Queued} records wait, retry in {Delay}.",
                    args.AttemptNumber + 1, Interlocked.Read(ref _queued), args.RetryDelay);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    public BatteryModels Models { get; }

    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>False when taking <paramref name="records"/> more would pass <c>Ledger:MaxQueuedRecords</c>.</summary>
    public bool CanAccept(int records) => Queued + records <= _options.MaxQueuedRecords;

    /// <summary>Completes once the store holds every record; canceled if the silo stops first.</summary>
    public Task Submit(IReadOnlyList<SwapRecord> records)
    {
        var submission = new Submission(records, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Interlocked.Add(ref _queued, records.Count);
        if (!_queue.Writer.TryWrite(submission))
        {
            Interlocked.Add(ref _queued, -records.Count);
            submission.Done.SetCanceled();
        }

        _metrics.Queued = Queued;
        return submission.Done.Task;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_abort.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Writes what is queued until the host's stop budget runs out; stations keep whatever is left.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is null)
        {
            return;
        }

        await using (cancellationToken.Register(() => _abort.Cancel()))
        {
            await _loop.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes it twice: as the singleton and as the hosted service the factory returned.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _abort.Cancel();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _abort.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<Submission>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken))
            {
                var records = Gather(batch);
                if (records < _options.BatchSize && _options.Linger > TimeSpan.Zero)
                {
                    // A moment for other stations' swaps to join, so one request carries several.
                    await Task.Delay(_options.Linger, cancellationToken);
                    Gather(batch);
                }

                var all = batch.SelectMany(s => s.Records).ToList();
                for (var i = 0; i < all.Count; i += _options.BatchSize)
                {
                    var chunk = all.GetRange(i, Math.Min(_options.BatchSize, all.Count - i));
                    await _retry.ExecuteAsync(async ct => await _store.WriteAsync(chunk, ct), cancellationToken);
                }

                foreach (var s in batch)
                {
                    Interlocked.Add(ref _queued, -s.Records.Count);
                    s.Done.TrySetResult();
                }

                _metrics.Queued = Queued;
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            foreach (var s in batch)
            {
                s.Done.TrySetCanceled(cancellationToken);
            }

            while (_queue.Reader.TryRead(out var left))
            {
                left.Done.TrySetCanceled(cancellationToken);
            }

            _logger.LogWarning("Swap ledger stopped with {Queued} records unwritten; their stations hold them and hand them over again on their next activation.", Queued);
        }
    }

    private int Gather(List<Submission> batch)
    {
        var records = batch.Sum(s => s.Records.Count);
        while (records < _options.BatchSize && _queue.Reader.TryRead(out var next))
        {
            batch.Add(next);
            records += next.Records.Count;
        }

        return records;
    }

    private sealed record Submission(IReadOnlyList<SwapRecord> Records, TaskCompletionSource Done);
}
