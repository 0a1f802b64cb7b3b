using Microsoft.Extensions.Logging;
using EvSwap.IngestLog;
using MQTTnet;

namespace EvSwap.Bridge;

/// <summary>
/// The one ingest path of the embedded receiver and of every external receiver: <see cref="StationLanes{T}"/>
/// (per-station order, failing stations parked aside) in front of <see cref="TelemetryIngestor"/>, and
/// acknowledge-after-apply: a broker delivery is acknowledged only once its message is finished, never when it was
/// refused or failed. A message left unfinished at shutdown is left unacknowledged, so the broker redelivers it.
/// </summary>
internal sealed class IngestLanes : ILaneWork<LaneMessage>
{
    internal const int LaneCount = 32;

    private readonly string _name;
    private readonly TelemetryIngestor _ingestor;
    private readonly BridgeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Action? _released;
    private readonly StationLanes<LaneMessage> _lanes;
    private readonly CancellationTokenSource _abort;
    private volatile bool _leftUnacknowledged;

    /// <param name="name">Who owns these lanes, for log lines.</param>
    /// <param name="released">Called once per message when the lanes no longer hold it.</param>
    /// <param name="abort">Cancelled when the owner must stop at once (its client id lease ended): nothing more is acknowledged.</param>
    public IngestLanes(string name, int capacityPerLane, TelemetryIngestor ingestor, BridgeMetrics metrics, ILogger logger, Action? released = null, CancellationToken abort = default)
    {
        _abort = CancellationTokenSource.CreateLinkedTokenSource(abort);
        _name = name;
        _ingestor = ingestor;
        _metrics = metrics;
        _logger = logger;
        _released = released;
        _lanes = new StationLanes<LaneMessage>(LaneCount, capacityPerLane, this);
    }

    public int Pending => _lanes.Pending;

    public int ParkedStations => _lanes.Parked;

    /// <summary>True once a delivery was let go without its acknowledgement: the broker's session still holds it.</summary>
    public bool LeftUnacknowledged => _leftUnacknowledged;

    /// <summary>False when the station's lane is full or the lanes are draining; the caller still owns the message.</summary>
    public bool TryWrite(string topic, byte[] payload, MqttApplicationMessageReceivedEventArgs? delivery)
    {
        var receivedAt = _ingestor.Time.GetUtcNow();
        var log = _ingestor.Journal.Record(topic, payload, receivedAt);
        if (_lanes.TryWrite(topic, new LaneMessage(topic, payload, receivedAt, delivery, log)))
        {
            return true;
        }

        // Logged but not taken: unacknowledged, the broker sends it again, and a replay of the copy is a duplicate.
        _ingestor.Journal.Done(receivedAt);
        return false;
    }

    /// <summary>
    /// Waits while the station's lane is full; throws <see cref="System.Threading.Channels.ChannelClosedException"/> once
    /// draining. Returns the message's append to the ingest log, which the caller awaits before acknowledging.
    /// </summary>
    public async ValueTask<LogAppend> WriteAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        var receivedAt = _ingestor.Time.GetUtcNow();
        var log = _ingestor.Journal.Record(topic, payload, receivedAt);
        try
        {
            await _lanes.WriteAsync(topic, new LaneMessage(topic, payload, receivedAt, null, log), cancellationToken);
            return log;
        }
        catch
        {
            _ingestor.Journal.Done(receivedAt);
            throw;
        }
    }

    /// <summary>
    /// Takes nothing new and finishes what the lanes hold, parked stations included. When <paramref name="timeout"/>
    /// fires first, gives up on the rest (unacknowledged) and returns false.
    /// </summary>
    public async Task<bool> DrainAsync(CancellationToken timeout)
    {
        try
        {
            await _lanes.CompleteAsync().WaitAsync(timeout);
            return true;
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("{Name}: drain timed out with {Pending} messages held ({Parked} stations parked for retries).", _name, _lanes.Pending, _lanes.Parked);
            await _abort.CancelAsync();
            return false;
        }
    }

    async Task<bool> ILaneWork<LaneMessage>.TryAsync(LaneMessage message)
    {
        try
        {
            if (!await _ingestor.TryProcessAsync(message.Topic, message.Payload, message.ReceivedAt, _abort.Token))
            {
                return false;
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Past the drain timeout: finished with, unacknowledged, so the broker keeps it.
            _leftUnacknowledged = true;
            return true;
        }

        await AcknowledgeAsync(message);
        return true;
    }

    async Task<bool> ILaneWork<LaneMessage>.RetryAsync(LaneMessage message)
    {
        try
        {
            await _ingestor.RetryAsync(message.Topic, message.Payload, message.ReceivedAt, _abort.Token);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            _leftUnacknowledged = true;
            return false;
        }

        await AcknowledgeAsync(message);
        return true;
    }

    void ILaneWork<LaneMessage>.Release(LaneMessage message)
    {
        _ingestor.Journal.Done(message.ReceivedAt);
        _metrics.OnAcknowledged();
        _released?.Invoke();
    }

    private async Task AcknowledgeAsync(LaneMessage message)
    {
        if (message.Delivery is not { } delivery)
        {
            return;
        }

        try
        {
            // Applying did not wait for the log; the acknowledgement does, so the broker lets go only of what a crash
            // cannot lose.
            await message.Log.WaitDurableAsync();
            await delivery.AcknowledgeAsync(_abort.Token);
        }
        catch (Exception ex)
        {
            _leftUnacknowledged = true;
            _logger.LogWarning(ex, "{Name}: could not acknowledge a message on {Topic}; the broker will redeliver it.", _name, message.Topic);
        }
    }
}
