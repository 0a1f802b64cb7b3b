using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace EvSwap.Bridge;

/// <summary>
/// Takes a station's answer from <c>evswap/v1/stations/{id}/command-results</c> (embedded broker or external bridge
/// connection) to its station grain. An invalid one is dead-lettered with its reasons, like invalid telemetry. Answers
/// are few and idempotent (a final command state never changes), so they skip the telemetry lanes and ingest log: the
/// caller acknowledges once this returns true, and a result it could not hand over stays with the broker.
/// </summary>
public sealed class CommandResultIngestor
{
    private readonly IGrainFactory _grains;
    private readonly DeadLetterQueue _deadLetters;
    private readonly BridgeMetrics _metrics;
    private readonly ILogger<CommandResultIngestor> _logger;
    private readonly ResiliencePipeline _retry;

    public CommandResultIngestor(IGrainFactory grains, DeadLetterQueue deadLetters, BridgeMetrics metrics, TimeProvider time, ILogger<CommandResultIngestor> logger)
    {
        _grains = grains;
        _deadLetters = deadLetters;
        _metrics = metrics;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && ex is not OperationCanceledException),
            })
            .Build();
    }

    /// <summary>True when the result is finished with (applied, unknown to its station, or dead-lettered) and may be acknowledged.</summary>
    public async Task<bool> HandleAsync(string topic, byte[] payload, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var failures = Parse(topic, payload, out var stationId, out var result);
        if (failures.Count > 0)
        {
            if (!_deadLetters.TryAdd(new RejectedMessage(receivedAt, topic, [.. failures.Select(f => f.ToString())], payload)))
            {
                _metrics.OnRefused(RefusalReason.DeadLetterBudget);
                return false;
            }

            _metrics.OnRejected(failures.Select(f => f.Reason));
            _logger.LogDebug("Rejected command result on {Topic}: {Reasons}", topic, string.Join("; ", failures));
            return true;
        }

        try
        {
            var known = await _retry.ExecuteAsync(
                async ct => await _grains.GetGrain<IStationDownlinkGrain>(stationId).ReportResult(result!), cancellationToken);
            if (!known)
            {
                // A command trimmed from the station's history, or a station answering an id it made up: nothing to apply.
                _logger.LogInformation("Station {StationId} reported {Status} for command {CommandId}, which it does not have.", stationId, result!.Status, result.CommandId);
            }

            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Station {StationId}: command result for {CommandId} not taken; left unacknowledged for the broker to redeliver.", stationId, result!.CommandId);
            return false;
        }
    }

    /// <summary>The result's validation failures (none when valid), by the same reasons as telemetry.</summary>
    public static IReadOnlyList<ValidationFailure> Parse(string topic, byte[] payload, out string stationId, out CommandResult? result)
    {
        result = null;
        if (!CommandTopic.TryParseResultsStationId(topic, out stationId))
        {
            return [new ValidationFailure(RejectReason.BadTopic, $"'{topic}' is not evswap/v1/stations/{{stationId}}/command-results")];
        }

        if (payload.Length > TelemetryLimits.MaxPayloadBytes)
        {
            return [new ValidationFailure(RejectReason.TooLarge, $"{payload.Length} bytes, the limit is {TelemetryLimits.MaxPayloadBytes}")];
        }

        try
        {
            result = JsonSerializer.Deserialize(payload, DownlinkJsonContext.Default.CommandResult);
        }
        catch (JsonException ex)
        {
            return [new ValidationFailure(RejectReason.BadJson, ex.Message)];
        }
        catch (ArgumentException ex)
        {
            // Invalid UTF-8 surfaces here, not as a JsonException.
            return [new ValidationFailure(RejectReason.InvalidUtf8, ex.Message)];
        }

        if (result is null)
        {
            return [new ValidationFailure(RejectReason.BadJson, "the payload is JSON null")];
        }

        List<ValidationFailure> failures = [];
        if (result.Schema != CommandResult.SchemaV1)
        {
            failures.Add(new ValidationFailure(RejectReason.UnknownSchema, $"schema must be '{CommandResult.SchemaV1}', got '{result.Schema}'"));
        }

        if (result.StationId != stationId)
        {
            failures.Add(new ValidationFailure(RejectReason.StationIdMismatch, $"topic names station '{stationId}', payload '{result.StationId}'"));
        }

        if (string.IsNullOrEmpty(result.CommandId) || result.CommandId.Length > 64)
        {
            failures.Add(new ValidationFailure(RejectReason.MissingField, "commandId must be 1-64 characters"));
        }

        if (!CommandResultStatuses.IsKnown(result.Status))
        {
            failures.Add(new ValidationFailure(RejectReason.OutOfRange, $"status must be acknowledged, succeeded or failed, got '{result.Status}'"));
        }

        if (result.Reason is { Length: > 500 })
        {
            failures.Add(new ValidationFailure(RejectReason.OutOfRange, "reason is at most 500 characters"));
        }

        return failures;
    }
}
