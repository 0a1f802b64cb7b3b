using System.Threading.Channels;
using EvSwap.Archive;
using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Server;

namespace EvSwap.Bridge;

/// <summary>
/// The bridge of the local profile: takes telemetry straight out of the embedded broker's publish pipeline instead
/// of subscribing over a second, loopback MQTT connection, so each message crosses MQTT once, not twice.
/// </summary>
/// <remarks>
/// The broker acknowledges a publish once it sits in a lane, not once its grain applied it: MQTTnet handles one
/// connection's packets one after another, so waiting for the grain would serialise each publisher. Nothing is lost
/// by it that the embedded broker would have kept: its sessions live in this process's memory either way, and a
/// drain finishes every queued message before the silo stops. Publishes that arrive after the drain began, or while
/// the silo is at <c>Archive:MaxUnarchivedBytesPerSilo</c>, are not acknowledged (their connection is closed), so the
/// station keeps them and sends them again, to this silo once it has archived enough or to the next one it reaches.
/// </remarks>
public sealed class EmbeddedReceiver
{
    private readonly BridgeMetrics _metrics;
    private readonly MqttOptions _options;
    private readonly UnarchivedBudget _budget;
    private readonly ILogger _logger;
    private readonly IngestLanes _lanes;
    private readonly CommandResultIngestor _results;
    private volatile bool _accepting = true;
    private int _attached;

    public EmbeddedReceiver(TelemetryIngestor ingestor, BridgeMetrics metrics, UnarchivedBudget budget, IOptions<MqttOptions> options, ILogger<EmbeddedReceiver> logger,
        CommandResultIngestor results)
    {
        _results = results;
        _budget = budget;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
        _lanes = new IngestLanes("Embedded receiver", _options.MaxInFlightPerConnection, ingestor, metrics, logger);
    }

    /// <summary>True while the embedded broker is running and feeding this receiver.</summary>
    public bool IsAttached => Volatile.Read(ref _attached) == 1;

    internal void Attach(MqttServer server)
    {
        server.InterceptingPublishAsync += OnPublishAsync;
        if (Interlocked.Exchange(ref _attached, 1) == 0)
        {
            _metrics.OnConnected();
        }
    }

    internal void Detach(MqttServer server)
    {
        server.InterceptingPublishAsync -= OnPublishAsync;
        if (Interlocked.Exchange(ref _attached, 0) == 1)
        {
            _metrics.OnDisconnected();
        }
    }

    /// <summary>Refuses new publishes, then finishes every queued message (up to the drain timeout).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        _accepting = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DrainTimeout);
        if (!await _lanes.DrainAsync(timeout.Token))
        {
            // Acknowledged when queued, so unlike the external bridge's these have no broker to come back from.
            _logger.LogError("Embedded receiver: drain timed out after {Timeout}; the messages it still held are lost.", _options.DrainTimeout);
        }
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        if (CommandTopic.IsResults(topic))
        {
            // Acknowledged once its grain has it; the broker still routes it to any subscriber (an operator watching).
            if (!_accepting || !await _results.HandleAsync(topic, PayloadCopy.ToPinnedArray(e.ApplicationMessage.Payload), DateTimeOffset.UtcNow, e.CancellationToken))
            {
                Refuse(e);
            }

            return;
        }

        if (MqttTopicFilterComparer.Compare(topic, TelemetryTopic.Filter) != MqttTopicFilterCompareResult.IsMatch)
        {
            // Not telemetry: ordinary broker traffic, for whoever subscribes to it.
            return;
        }

        if (!_accepting)
        {
            Refuse(e);
            return;
        }

        if (_budget.IsExceeded)
        {
            // Queued messages already acknowledged wait in the lanes (the ingestor refuses them too, and retries);
            // new ones stay with their publishers.
            _metrics.OnRefused(RefusalReason.UnarchivedBudget);
            Refuse(e);
            return;
        }

        var payload = PayloadCopy.ToPinnedArray(e.ApplicationMessage.Payload);
        _metrics.OnReceived();
        Task written;
        try
        {
            written = (await _lanes.WriteAsync(topic, payload, e.CancellationToken)).Written;
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            _metrics.OnAcknowledged();
            Refuse(e);
            return;
        }

        try
        {
            // The PUBACK waits until the ingest log has the message in the kernel's hands: a killed silo replays it on its
            // next start. Waiting for the fsync too would hold each publisher's connection for a disk flush per message
            // (MQTTnet handles a connection's packets one after another); the fsync follows within one group commit.
            await written;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Embedded receiver: the ingest log did not take a message on {Topic}; it is not acknowledged.", topic);
            Refuse(e);
        }
    }

    /// <summary>No PUBACK and the connection closes: the publisher keeps the message and sends it again.</summary>
    private static void Refuse(InterceptingPublishEventArgs e)
    {
        e.ProcessPublish = false;
        e.CloseConnection = true;
    }
}
