using EvSwap.Archive;
using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using Orleans.Metadata;

namespace EvSwap.Bridge;

/// <summary>
/// Turns one received MQTT message into its effect: a validated message goes to its station grain (retried with
/// backoff while the grain or its backends fail), an invalid one is counted and dead-lettered. When this returns,
/// the message may be acknowledged; when it throws (only on shutdown), it must not be.
/// </summary>
public sealed class TelemetryIngestor(
    IGrainFactory grains,
    GrainInterfaceTypeResolver interfaceTypes,
    GrainInterfaceTypeToGrainTypeResolver grainTypes,
    DeadLetterQueue deadLetters,
    BridgeMetrics metrics,
    TimeProvider time,
    ILogger<TelemetryIngestor> logger)
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    // GetGrain<IStationGrain>(id) works out the interface's type name from reflection on every call (several
    // hundred bytes of garbage per message); the two type ids are resolved once instead.
    private readonly Lazy<(GrainType Grain, GrainInterfaceType Interface)> _stationTypes = new(() =>
    {
        var interfaceType = interfaceTypes.GetGrainInterfaceType(typeof(IStationGrain));
        return (grainTypes.GetGrainType(interfaceType), interfaceType);
    });

    private IStationGrain StationGrain(string stationId)
    {
        var (grainType, interfaceType) = _stationTypes.Value;
        return (IStationGrain)grains.GetGrain(GrainId.Create(grainType, stationId), interfaceType);
    }

    public async Task ProcessAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        using var trace = BridgeTelemetry.StartIngest(logger, topic);
        var receivedAt = time.GetUtcNow();
        var parsed = TelemetryValidator.Parse(topic, payload, receivedAt);
        if (!parsed.IsValid)
        {
            trace.Rejected();
            Reject(topic, payload, receivedAt, parsed.Failures);
            return;
        }

        var message = parsed.Message!;
        trace.Parsed(message);
        var grain = StationGrain(parsed.TopicStationId!);
        var envelope = new TelemetryEnvelope(message, payload, receivedAt);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await grain.Ingest(envelope);
                trace.Applied(outcome);
                switch (outcome)
                {
                    case IngestOutcome.Accepted:
                        metrics.OnAccepted(receivedAt - message.Ts);
                        break;
                    case IngestOutcome.Late:
                        metrics.OnLate(receivedAt - message.Ts);
                        break;
                    case IngestOutcome.Rearchived:
                        metrics.OnRearchived();
                        break;
                    case IngestOutcome.OutsideWindow:
                        Reject(topic, payload, receivedAt, [new ValidationFailure(RejectReason.OutsideDedupWindow,
                            $"({message.Boot}, {message.Seq}) is further behind station {message.StationId}'s newest message than Station:DeliveryWindow, or of a boot older than Station:DeliveryBoots")]);
                        break;
                    default:
                        metrics.OnDuplicate();
                        break;
                }

                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The broker would only redeliver after a reconnect, so retrying here is what keeps the message.
                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 50 * Math.Pow(2, Math.Min(attempt, 10))) * (0.5 + Random.Shared.NextDouble() / 2));
                logger.LogWarning(ex, "Station {StationId} did not take message ({Boot}, {Seq}) on attempt {Attempt}; retrying in {Delay}.",
                    message.StationId, message.Boot, message.Seq, attempt, delay);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    private void Reject(string topic, byte[] payload, DateTimeOffset receivedAt, IReadOnlyList<ValidationFailure> failures)
    {
        metrics.OnRejected(failures.Select(f => f.Reason));
        deadLetters.Add(new RejectedMessage(receivedAt, topic, [.. failures.Select(f => f.ToString())], payload));
        logger.LogDebug("Rejected message on {Topic}: {Reasons}", topic, string.Join("; ", failures));
    }
}
