using EvSwap.Archive;
using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using Orleans.Metadata;
using Polly;
using Polly.Retry;

namespace EvSwap.Bridge;

/// <summary>
/// Turns one received MQTT message into its effect: a validated message goes to its station grain, an invalid one is
/// counted and dead-lettered. <see cref="TryProcessAsync"/> makes one attempt; when it fails, the lanes park the
/// station and <see cref="RetryAsync"/> repeats it through a Polly retry pipeline until it works. Only a finished
/// message may be acknowledged.
/// </summary>
/// <remarks>
/// Memory is bounded before anything is applied: while this silo's <see cref="UnarchivedBudget"/> is exceeded a valid
/// message is refused without calling its grain (and a grain on another silo at its own bound refuses the call), and
/// while the dead-letter queue is full an invalid one is refused. A refused message is not finished, so it is retried
/// and stays unacknowledged meanwhile: the broker keeps it, not this process.
/// </remarks>
public sealed class TelemetryIngestor
{
    private static readonly ResiliencePropertyKey<string> TopicKey = new("evswap.topic");

    private readonly IGrainFactory _grains;
    private readonly DeadLetterQueue _deadLetters;
    private readonly UnarchivedBudget _budget;
    private readonly BridgeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<TelemetryIngestor> _logger;
    private readonly ResiliencePipeline _retry;
    private int _refusing;

    // GetGrain<IStationGrain>(id) works out the interface's type name from reflection on every call (several
    // hundred bytes of garbage per message); the two type ids are resolved once instead.
    private readonly Lazy<(GrainType Grain, GrainInterfaceType Interface)> _stationTypes;

    public TelemetryIngestor(
        IGrainFactory grains,
        GrainInterfaceTypeResolver interfaceTypes,
        GrainInterfaceTypeToGrainTypeResolver grainTypes,
        DeadLetterQueue deadLetters,
        UnarchivedBudget budget,
        IngestJournal journal,
        BridgeMetrics metrics,
        TimeProvider time,
        ILogger<TelemetryIngestor> logger)
    {
        _grains = grains;
        _deadLetters = deadLetters;
        _budget = budget;
        Journal = journal;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _stationTypes = new(() =>
        {
            var interfaceType = interfaceTypes.GetGrainInterfaceType(typeof(IStationGrain));
            return (grainTypes.GetGrainType(interfaceType), interfaceType);
        });
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // Until it works or shutdown gives up: the broker only redelivers after a reconnect, so retrying here is
                // what keeps the message, and a parked station holds up nobody but itself.
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && !IsShutdown(ex, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    LogFailure(args.Context.Properties.GetValue(TopicKey, "?"), args.Outcome.Exception!, args.AttemptNumber + 2, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }

    internal TimeProvider Time => _time;

    internal IngestJournal Journal { get; }

    /// <summary>
    /// One attempt. True when the message is finished with (applied, a duplicate, or rejected and dead-lettered) and may
    /// be acknowledged; false when it failed and must be tried again. Throws <see cref="OperationCanceledException"/>
    /// only when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<bool> TryProcessAsync(string topic, byte[] payload, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        try
        {
            await ProcessOnceAsync(topic, payload, receivedAt, cancellationToken);
            return true;
        }
        catch (Exception ex) when (!IsShutdown(ex, cancellationToken))
        {
            LogFailure(topic, ex, attempt: 1, retryIn: null);
            return false;
        }
    }

    /// <summary>Repeats the message, with backoff, until it is finished; throws <see cref="OperationCanceledException"/> once cancelled.</summary>
    public async Task RetryAsync(string topic, byte[] payload, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(TopicKey, topic);
        try
        {
            await _retry.ExecuteAsync(
                static (ctx, state) => new ValueTask(state.Self.ProcessOnceAsync(state.Topic, state.Payload, state.ReceivedAt, ctx.CancellationToken)),
                context,
                (Self: this, Topic: topic, Payload: payload, ReceivedAt: receivedAt));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task ProcessOnceAsync(string topic, byte[] payload, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var trace = BridgeTelemetry.StartIngest(_logger, topic);
        var parsed = TelemetryValidator.Parse(topic, payload, receivedAt);
        if (!parsed.IsValid)
        {
            trace.Rejected();
            DeadLetter(topic, payload, receivedAt, parsed.Failures);
            return;
        }

        var message = parsed.Message!;
        trace.Parsed(message);
        if (_budget.IsExceeded)
        {
            throw Refused(new UnarchivedBudgetExceededException(
                $"This silo holds {_budget.UsedBytes} unarchived bytes (Archive:MaxUnarchivedBytesPerSilo = {_budget.LimitBytes})."));
        }

        IngestOutcome outcome;
        try
        {
            outcome = await StationGrain(parsed.TopicStationId!).Ingest(new TelemetryEnvelope(message, payload, receivedAt));
        }
        catch (UnarchivedBudgetExceededException ex)
        {
            // The silo holding the station's grain is at its own bound.
            throw Refused(ex);
        }

        if (Volatile.Read(ref _refusing) == 1 && Interlocked.Exchange(ref _refusing, 0) == 1)
        {
            _logger.LogInformation("Unarchived bytes are below Archive:MaxUnarchivedBytesPerSilo again ({Used} of {Limit}); ingest takes messages again.", _budget.UsedBytes, _budget.LimitBytes);
        }

        trace.Applied(outcome);
        switch (outcome)
        {
            case IngestOutcome.Accepted:
                _metrics.OnAccepted(receivedAt - message.Ts);
                break;
            case IngestOutcome.Late:
                _metrics.OnLate(receivedAt - message.Ts);
                break;
            case IngestOutcome.Rearchived:
                _metrics.OnRearchived();
                break;
            case IngestOutcome.OutsideWindow:
                DeadLetter(topic, payload, receivedAt, [new ValidationFailure(RejectReason.OutsideDedupWindow,
                    $"({message.Boot}, {message.Seq}) is further behind station {message.StationId}'s newest message than Station:DeliveryWindow, or of a boot older than Station:DeliveryBoots")]);
                break;
            default:
                _metrics.OnDuplicate();
                break;
        }
    }

    /// <summary>Keeps a message that will not be applied, with its reasons; refuses it (unfinished) while the dead letters are at their bound.</summary>
    private void DeadLetter(string topic, byte[] payload, DateTimeOffset receivedAt, IReadOnlyList<ValidationFailure> failures)
    {
        if (!_deadLetters.TryAdd(new RejectedMessage(receivedAt, topic, [.. failures.Select(f => f.ToString())], payload)))
        {
            _metrics.OnRefused(RefusalReason.DeadLetterBudget);
            throw new DeadLettersFullException(
                $"The dead-letter queue holds {_deadLetters.PendingBytes} bytes (Archive:MaxRejectedBytesPerSilo = {_deadLetters.MaxBytes}) the archive has not taken yet.");
        }

        _metrics.OnRejected(failures.Select(f => f.Reason));
        _logger.LogDebug("Rejected message on {Topic}: {Reasons}", topic, string.Join("; ", failures));
    }

    private IStationGrain StationGrain(string stationId)
    {
        var (grainType, interfaceType) = _stationTypes.Value;
        return (IStationGrain)_grains.GetGrain(GrainId.Create(grainType, stationId), interfaceType);
    }

    private Exception Refused(UnarchivedBudgetExceededException ex)
    {
        _metrics.OnRefused(RefusalReason.UnarchivedBudget);
        if (Interlocked.Exchange(ref _refusing, 1) == 0)
        {
            _logger.LogWarning("Ingest refuses messages, unacknowledged, until the archive catches up: {Reason}", ex.Message);
        }

        return ex;
    }

    private void LogFailure(string topic, Exception ex, int attempt, TimeSpan? retryIn)
    {
        if (ex is UnarchivedBudgetExceededException or DeadLettersFullException)
        {
            // Expected while a bound holds; counted in evswap.bridge.refused and logged once when refusing begins.
            _logger.LogDebug("A message on {Topic} was refused (attempt {Attempt}): {Reason}", topic, attempt, ex.Message);
            return;
        }

        _logger.LogWarning(ex, "A message on {Topic} was not taken (attempt {Attempt}); its station is parked and retried {When}.",
            topic, attempt, retryIn is { } delay ? $"in {delay.TotalMilliseconds:F0} ms" : "beside its lane");
    }

    private static bool IsShutdown(Exception ex, CancellationToken cancellationToken) =>
        ex is OperationCanceledException && cancellationToken.IsCancellationRequested;
}
