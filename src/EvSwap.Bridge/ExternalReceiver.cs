using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EvSwap.Bridge;

/// <summary>
/// One MQTT connection of the bridge, for as long as this silo holds the lease on its client id. Messages go through
/// <see cref="IngestLanes"/> (in order per station, parallel across stations, a failing station parked aside) and are
/// acknowledged only after their effect is done.
/// </summary>
internal sealed partial class ExternalReceiver : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _clientOptions;
    private readonly string _filter;
    private readonly string _resultsFilter;
    private readonly CommandResultIngestor _results;
    private readonly MqttOptions _options;
    private readonly BridgeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly IngestLanes _lanes;
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _supervising = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationToken _leaseValid;
    private readonly CancellationTokenRegistration _leaseRegistration;
    private readonly Action? _takenOver;
    private Task? _aborted;
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _supervisor;
    private volatile bool _accepting = true;
    private volatile bool _unacknowledged;
    private long _lastReceivedTicks;

    /// <param name="leaseValid">Cancelled when the lease on <paramref name="clientId"/> lapses: the connection closes at once.</param>
    /// <param name="takenOver">Called when the broker reports another connection with this client id.</param>
    public ExternalReceiver(string clientId, MqttOptions options, MqttClientOptions clientOptions, TelemetryIngestor ingestor, CommandResultIngestor results, BridgeMetrics metrics, ILogger logger,
        CancellationToken leaseValid = default, Action? takenOver = null)
    {
        _results = results;
        _resultsFilter = CommandTopic.ResultsSubscriptionFilter(options.Mode == MqttMode.External ? options.SharedGroup : null);
        ClientId = clientId;
        _leaseValid = leaseValid;
        _takenOver = takenOver;
        _options = options;
        _clientOptions = clientOptions;
        _metrics = metrics;
        _logger = logger;
        _filter = TelemetryTopic.SubscriptionFilter(options.Mode == MqttMode.External ? options.SharedGroup : null);
        _inFlight = new SemaphoreSlim(options.MaxInFlightPerConnection);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                _metrics.OnDisconnected();
            }

            if (e.Reason == MqttClientDisconnectReason.SessionTakenOver)
            {
                OnTakenOver();
            }

            _disconnected.TrySetResult();
            return Task.CompletedTask;
        };

        _lanes = new IngestLanes($"Bridge connection {clientId}", options.MaxInFlightPerConnection, ingestor, metrics, logger, () => _inFlight.Release(), _abort.Token);
        _leaseRegistration = leaseValid.Register(() => _ = AbortAsync());
    }

    public string ClientId { get; }
    public bool IsConnected => _client.IsConnected;

    /// <param name="after">Connecting waits for this, e.g. the end of the previous connection with this client id.</param>
    public void Start(Task? after = null) => _supervisor = Task.Run(async () =>
    {
        await (after ?? Task.CompletedTask).ContinueWith(_ => { }, TaskScheduler.Default);
        await SuperviseAsync();
    });

    /// <summary>
    /// Leaves the subscription group, finishes and acknowledges what the broker already sent (up to the drain
    /// timeout), then disconnects. Anything still unacknowledged stays with the broker and is redelivered.
    /// </summary>
    /// <returns>Whether everything received was finished, so the session holds nothing for this client id.</returns>
    public async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        if (_aborted is not null)
        {
            await _aborted;
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DrainTimeout);

        // No reconnects from here on: a reconnect would subscribe again and pull in new work.
        await _supervising.CancelAsync();
        if (_supervisor is not null)
        {
            await _supervisor.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        // Unsubscribing first is what makes a drain lossless with shared subscriptions: the broker routes every new
        // message to the group's other members, whereas a message it hands to this connection and never gets
        // acknowledged would wait for this client id alone.
        var clean = false;
        if (_client.IsConnected)
        {
            try
            {
                await _client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(_filter).WithTopicFilter(_resultsFilter).Build(), timeout.Token);
                await WaitUntilQuietAsync(timeout.Token);
                clean = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || timeout.IsCancellationRequested)
            {
                _logger.LogWarning("Bridge connection {ClientId}: could not leave the subscription cleanly ({Error}); unacknowledged messages stay with the broker.", ClientId, ex.Message);
            }
        }

        _accepting = false;
        await _stopping.CancelAsync();
        if (!await _lanes.DrainAsync(timeout.Token))
        {
            _logger.LogWarning("Bridge connection {ClientId}: the messages still in flight stay unacknowledged; the broker will redeliver them.", ClientId);
            clean = false;
        }

        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), CancellationToken.None);
            }
            catch (Exception ex)
            {
                _logger.LogDebug(ex, "Bridge connection {ClientId}: disconnect failed.", ClientId);
            }
        }

        return clean && !_unacknowledged && !_lanes.LeftUnacknowledged && _aborted is null;
    }

    /// <summary>
    /// After the unsubscribe, messages the broker routed here before it may still be on the wire. Done when nothing
    /// is in flight and nothing has arrived for a short while.
    /// </summary>
    private async Task WaitUntilQuietAsync(CancellationToken cancellationToken)
    {
        var quiet = TimeSpan.FromMilliseconds(300);
        while (_inFlight.CurrentCount < _options.MaxInFlightPerConnection || TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastReceivedTicks)) < quiet)
        {
            await Task.Delay(25, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_supervising.IsCancellationRequested)
        {
            await DrainAsync(CancellationToken.None);
        }

        await _leaseRegistration.DisposeAsync();

        // After an abort, a lane may still wait for a grain call; it finds its cancelled token, so the sources and the
        // semaphore are left to the collector rather than disposed under it.
        using var drainTimeout = new CancellationTokenSource(_options.DrainTimeout);
        await _lanes.DrainAsync(drainTimeout.Token);
        _client.Dispose();
    }

    private async Task SuperviseAsync()
    {
        var token = _supervising.Token;
        var delay = _options.ReconnectMinDelay;
        var everConnected = false;
        while (!token.IsCancellationRequested && !_leaseValid.IsCancellationRequested)
        {
            try
            {
                _disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var result = await _client.ConnectAsync(_clientOptions, token);
                _metrics.OnConnected();
                if (everConnected)
                {
                    _metrics.OnReconnect();
                }

                everConnected = true;

                // A resumed session still has its subscription; subscribing again is harmless and covers a session
                // the broker dropped (expired, or a broker restart without persistence).
                await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(f => f.WithTopic(_filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                    .WithTopicFilter(f => f.WithTopic(_resultsFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                    .Build(), token);
                _logger.LogInformation("Bridge connection {ClientId} connected to {Host}:{Port}, subscribed to {Filter} (session present: {SessionPresent}).",
                    ClientId, _options.Host, _options.Port, _filter, result.IsSessionPresent);
                delay = _options.ReconnectMinDelay;
                await _disconnected.Task.WaitAsync(token);
                _logger.LogWarning("Bridge connection {ClientId} lost its broker connection; reconnecting.", ClientId);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogWarning("Bridge connection {ClientId} cannot reach {Host}:{Port} ({Error}); retrying in {Delay}.", ClientId, _options.Host, _options.Port, ex.Message, delay);
            }

            try
            {
                // Exponential backoff with jitter, so a fleet of silos does not reconnect in lockstep.
                await Task.Delay(delay * (0.5 + Random.Shared.NextDouble() / 2), token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(_options.ReconnectMaxDelay.Ticks, delay.Ticks * 2));
        }
    }

    /// <summary>Publishes a downlink message on this connection and waits for the broker's PUBACK.</summary>
    public async Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var result = await _client.PublishAsync(message, cancellationToken);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker refused the publish on {message.Topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    private async Task OnCommandResultAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var payload = PayloadCopy.ToPinnedArray(e.ApplicationMessage.Payload);
        if (await _results.HandleAsync(e.ApplicationMessage.Topic, payload, DateTimeOffset.UtcNow, _stopping.Token))
        {
            await e.AcknowledgeAsync(_stopping.Token);
        }
        else
        {
            _unacknowledged = true;
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        e.AutoAcknowledge = false;
        if (!_accepting)
        {
            // Past the drain: left unacknowledged, the broker keeps it in this client's session and redelivers it.
            _unacknowledged = true;
            return;
        }

        Interlocked.Exchange(ref _lastReceivedTicks, Environment.TickCount64);
        var topic = e.ApplicationMessage.Topic;
        if (CommandTopic.IsResults(topic))
        {
            await OnCommandResultAsync(e);
            return;
        }

        var payload = PayloadCopy.ToPinnedArray(e.ApplicationMessage.Payload);
        _metrics.OnReceived();
        try
        {
            await _inFlight.WaitAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            _unacknowledged = true;
            _metrics.OnAcknowledged();
            return;
        }

        if (!_lanes.TryWrite(topic, payload, e))
        {
            // Only when draining: the lanes hold at most what the in-flight limit lets through.
            _unacknowledged = true;
            _inFlight.Release();
            _metrics.OnAcknowledged();
        }
    }
}
