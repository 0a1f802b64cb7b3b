using EvSwap.Archive;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Bridge;

/// <summary>
/// Rejected messages of this silo, written to <c>rejected/v1/...</c> in batches. Rejections are rare, so one object
/// per silo every few seconds is plenty; a failed write keeps the batch and tries again.
/// </summary>
public sealed class DeadLetterQueue(
    TelemetryArchive archive,
    BridgeIdentity identity,
    IOptions<ArchiveOptions> options,
    ILogger<DeadLetterQueue> logger) : BackgroundService
{
    private const int MaxBatch = 1000;
    private readonly Lock _gate = new();
    private List<RejectedMessage> _pending = [];
    private int _failures;

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

    public void Add(RejectedMessage message)
    {
        lock (_gate)
        {
            _pending.Add(message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = _failures == 0
                ? options.Value.RejectedFlushInterval
                : TimeSpan.FromMilliseconds(Math.Min(60_000, 500 * Math.Pow(2, Math.Min(_failures, 7))));
            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await FlushAsync(CancellationToken.None);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Last flush after the bridge has stopped adding; keep trying while the host allows.
        while (Pending > 0 && !cancellationToken.IsCancellationRequested)
        {
            if (!await FlushAsync(cancellationToken))
            {
                await Task.Delay(500, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        if (Pending > 0)
        {
            logger.LogError("{Count} rejected messages could not be written to the dead-letter archive before shutdown.", Pending);
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
                await archive.WriteRejectedAsync(identity.Name, chunk, cancellationToken);
                _failures = 0;
            }
            catch (Exception ex)
            {
                _failures++;
                logger.LogWarning(ex, "Dead-letter write failed (attempt {Attempt}); {Count} rejected messages kept for retry.", _failures, batch.Count - i);
                lock (_gate)
                {
                    _pending.InsertRange(0, batch.Skip(i));
                }

                return false;
            }
        }

        return true;
    }
}

/// <summary>This silo's name in client ids and dead-letter keys: only [A-Za-z0-9_-], stable for the process lifetime.</summary>
public sealed record BridgeIdentity(string Name)
{
    public static BridgeIdentity From(string raw) =>
        new(new string([.. raw.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]));
}
