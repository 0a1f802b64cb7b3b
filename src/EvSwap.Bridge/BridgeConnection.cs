using System.Buffers;
using System.Threading.Channels;
using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EvSwap.Bridge;

/// <summary>
/// One MQTT connection of the bridge. Messages are spread over lanes by station id: a lane processes its messages
/// one at a time, so a station's snapshots reach its grain in the order the broker delivered them, while different
/// stations proceed in parallel. A message is acknowledged only after its effect is done.
/// </summary>
internal sealed class BridgeConnection : IAsyncDisposable
{
    private const int Lanes = 32;

    private readonly IMqttClient _client;
    private readonly MqttClientOptions _clientOptions;
    private readonly string _filter;
    private readonly MqttOptions _options;
    private readonly TelemetryIngestor _ingestor;
    private readonly BridgeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<Work>[] _lanes = new Channel<Work>[Lanes];
    private readonly Task[] _workers = new Task[Lanes];
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _supervisor;
    private volatile bool _accepting = true;

    public BridgeConnection(string clientId, MqttOptions options, MqttClientOptions clientOptions, TelemetryIngestor ingestor, BridgeMetrics metrics, ILogger logger)
    {
        ClientId = clientId;
        _options = options;
        _clientOptions = clientOptions;
        _ingestor = ingestor;
        _metrics = metrics;
        _logger = logger;
        _filter = TelemetryTopic.SubscriptionFilter(options.Mode == MqttMode.External ? options.SharedGroup : null);
        _inFlight = new SemaphoreSlim(options.MaxInFlightPerConnection);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += _ =>
        {
            _disconnected.TrySetResult();
            return Task.CompletedTask;
        };

        for (var i = 0; i < Lanes; i++)
        {
            // Bounded so a burst waits in the broker, not in this process's memory.
            _lanes[i] = Channel.CreateBounded<Work>(new BoundedChannelOptions(options.MaxInFlightPerConnection) { SingleReader = true });
            var lane = _lanes[i];
            _workers[i] = Task.Run(() => RunLaneAsync(lane));
        }
    }

    public string ClientId { get; }
    public bool IsConnected => _client.IsConnected;

    public void Start() => _supervisor = Task.Run(SuperviseAsync);

    /// <summary>
    /// Stops taking messages, lets in-flight ones finish and be acknowledged (up to the drain timeout), then
    /// disconnects. Anything still unacknowledged stays with the broker and is redelivered.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        _accepting = false;
        await _stopping.CancelAsync();
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DrainTimeout);
        try
        {
            await Task.WhenAll(_workers).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("Bridge connection {ClientId}: drain timed out with {InFlight} messages in flight; the broker will redeliver them.", ClientId, _options.MaxInFlightPerConnection - _inFlight.CurrentCount);
            await _abort.CancelAsync();
        }

        if (_supervisor is not null)
        {
            await _supervisor.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
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
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await DrainAsync(CancellationToken.None);
        }

        _client.Dispose();
        _stopping.Dispose();
        _abort.Dispose();
        _inFlight.Dispose();
    }

    private async Task SuperviseAsync()
    {
        var token = _stopping.Token;
        var delay = _options.ReconnectMinDelay;
        var everConnected = false;
        while (!token.IsCancellationRequested)
        {
            try
            {
                _disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var result = await _client.ConnectAsync(_clientOptions, token);
                if (everConnected)
                {
                    _metrics.OnReconnect();
                }

                everConnected = true;

                // A resumed session still has its subscription; subscribing again is harmless and covers a session
                // the broker dropped (expired, or a broker restart without persistence).
                await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(f => f.WithTopic(_filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
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

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        e.AutoAcknowledge = false;
        if (!_accepting)
        {
            // Draining: leave it unacknowledged so the broker delivers it again, to this group's other members.
            return;
        }

        var topic = e.ApplicationMessage.Topic;
        var payload = e.ApplicationMessage.Payload.ToArray();
        _metrics.OnReceived();
        try
        {
            await _inFlight.WaitAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            _metrics.OnAcknowledged();
            return;
        }

        var lane = TelemetryTopic.TryParseStationId(topic, out var stationId) ? (int)((uint)FleetIndex.ShardOf(stationId, Lanes)) : 0;
        if (!_lanes[lane].Writer.TryWrite(new Work(topic, payload, e)))
        {
            _inFlight.Release();
            _metrics.OnAcknowledged();
        }
    }

    private async Task RunLaneAsync(Channel<Work> lane)
    {
        await foreach (var work in lane.Reader.ReadAllAsync())
        {
            try
            {
                await _ingestor.ProcessAsync(work.Topic, work.Payload, _abort.Token);
                await work.Args.AcknowledgeAsync(_abort.Token);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                // Shutting down past the drain timeout: not acknowledged, so the broker keeps it.
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Bridge connection {ClientId}: could not acknowledge a message on {Topic}; the broker will redeliver it.", ClientId, work.Topic);
            }
            finally
            {
                _inFlight.Release();
                _metrics.OnAcknowledged();
            }
        }
    }

    private sealed record Work(string Topic, byte[] Payload, MqttApplicationMessageReceivedEventArgs Args);
}
