using EvSwap.Archive;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace EvSwap.Bridge;

/// <summary>
/// Rejected messages of this silo, written to <c>rejected/v1/...</c> in batches. Rejections are rare, so one object
/// per silo every few seconds is plenty. A failed write keeps the batch and tries again with backoff; while the archive
/// is down the queue is bounded by <c>Archive:MaxRejectedBytesPerSilo</c>, past which <see cref="TryAdd"/> refuses
/// (and the bridge leaves the message unacknowledged to be tried again) instead of growing or dropping anything.
/// </summary>
public sealed class DeadLetterQueue : BackgroundService
{
    /// <summary>How long the last flush at shutdown may take; part of the silo's shutdown budget.</summary>
    public static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default share of the memory the process may use; dead letters are held raw.</summary>
    public const double DefaultMemoryShare = 0.05;

    private const int MaxBatch = 1000;
    private readonly TelemetryArchive _archive;
    private readonly BridgeIdentity _identity;
    private readonly ArchiveOptions _options;
    private readonly ILogger<DeadLetterQueue> _logger;
    private readonly ResiliencePipeline<bool> _retry;
    private readonly Lock _gate = new();
    private List<RejectedMessage> _pending = [];
    private long _pendingBytes;
    private int _failures;

    public DeadLetterQueue(TelemetryArchive archive, BridgeIdentity identity, IOptions<ArchiveOptions> options, ILogger<DeadLetterQueue> logger)
    {
        _archive = archive;
        _identity = identity;
        _options = options.Value;
        _logger = logger;
        MaxBytes = _options.MaxRejectedBytesPerSilo ?? (long)(UnarchivedBudget.AvailableMemoryBytes() * DefaultMemoryShare);
        _retry = new ResiliencePipelineBuilder<bool>()
            .AddRetry(new RetryStrategyOptions<bool>
            {
                // A flush returns false when a write failed: back off (up to a minute) instead of trying at every interval.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is false),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromMinutes(1),
            })
            .Build();
    }

    /// <summary>Bytes of rejected messages this queue may hold (<c>Archive:MaxRejectedBytesPerSilo</c>).</summary>
    public long MaxBytes { get; }

    public long PendingBytes => Interlocked.Read(ref _pendingBytes);

    /// <summary>Held bytes as a share of <see cref="MaxBytes"/>.</summary>
    public double Use => (double)PendingBytes / MaxBytes;

    public bool IsFull => PendingBytes >= MaxBytes;

    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Takes the message unless holding it would pass <see cref="MaxBytes"/>. An empty queue takes any one message,
    /// so even a message larger than the bound gets through once the archive has the ones before it.
    /// </summary>
    public bool TryAdd(RejectedMessage message)
    {
        var size = SizeOf(message);
        lock (_gate)
        {
            if (_pendingBytes > 0 && _pendingBytes + size > MaxBytes)
            {
                return false;
            }

            _pending.Add(message);
            Interlocked.Add(ref _pendingBytes, size);
            return true;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.RejectedFlushInterval, stoppingToken);
                await _retry.ExecuteAsync(static async (self, _) => await self.FlushAsync(CancellationToken.None), this, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Last flush after the bridge has stopped adding, within its share of the shutdown budget: with the archive
        // down, waiting longer would only take the time station grains need for their own flush.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(FinalFlushTimeout);
        while (Pending > 0 && !budget.IsCancellationRequested)
        {
            if (!await FlushAsync(budget.Token))
            {
                await Task.Delay(500, budget.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        if (Pending > 0)
        {
            _logger.LogError("{Count} rejected messages could not be written to the dead-letter archive before shutdown.", Pending);
        }
    }

    /// <summary>Writes everything pending; returns false when a write failed (the messages stay pending).</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        List<RejectedMessage> batch;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return true;
            }

            batch = _pending;
            _pending = [];
        }

        for (var i = 0; i < batch.Count; i += MaxBatch)
        {
            var chunk = batch.GetRange(i, Math.Min(MaxBatch, batch.Count - i));
            try
            {
                await _archive.WriteRejectedAsync(_identity.Name, chunk, cancellationToken);
                Interlocked.Add(ref _pendingBytes, -chunk.Sum(SizeOf));
                _failures = 0;
            }
            catch (Exception ex)
            {
                _failures++;
                _logger.LogWarning(ex, "Dead-letter write failed (attempt {Attempt}); {Count} rejected messages kept for retry.", _failures, batch.Count - i);
                lock (_gate)
                {
                    _pending.InsertRange(0, batch.Skip(i));
                }

                return false;
            }
        }

        return true;
    }

    /// <summary>What a held message costs: its payload, topic and reasons (UTF-16), and the objects around them.</summary>
    private static long SizeOf(RejectedMessage message) =>
        message.Payload.Length + 2L * (message.Topic.Length + message.Reasons.Sum(r => r.Length)) + 128;
}

/// <summary>This silo's name in client ids and dead-letter keys: only [A-Za-z0-9_-], stable for the process lifetime.</summary>
public sealed record BridgeIdentity(string Name)
{
    public static BridgeIdentity From(string raw) =>
        new(new string([.. raw.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]));
}
