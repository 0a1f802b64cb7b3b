using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Bridge;

/// <summary>
/// The bridge of this silo: with an external broker, a pool of <see cref="MqttOptions.Connections"/> connections in
/// one shared subscription group, each under a client id leased from <see cref="IClientIdLeaseStore"/>; with the
/// embedded broker, the in-process <see cref="EmbeddedReceiver"/>.
/// Registered after Orleans so the host stops it first: the bridge drains before grains flush.
/// </summary>
public sealed class TelemetryBridge(
    IOptions<MqttOptions> options,
    BridgeIdentity identity,
    TelemetryIngestor ingestor,
    CommandResultIngestor results,
    BridgeMetrics metrics,
    IClientIdLeaseStore leases,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    EmbeddedReceiver? embedded = null) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<TelemetryBridge>();
    private ExternalReceiverPool? _pool;
    private ClientIdLeaser? _leaser;

    public int ConnectionCount => embedded is null ? options.Value.Connections : 1;

    // While a connection is handed over to another client id, one more than configured may be up for a moment.
    public int ConnectedCount => embedded is null ? Math.Min(ConnectionCount, _pool?.ConnectedCount ?? 0) : embedded.IsAttached ? 1 : 0;

    /// <summary>The client ids this silo holds leases on and connects with.</summary>
    public IReadOnlyList<string> ClientIds => [.. (_leaser?.Slots ?? []).Select(s => s.ClientId)];

    /// <summary>This silo's name in the lease store.</summary>
    public string? LeaseOwner => _leaser?.Owner;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (embedded is not null)
        {
            _logger.LogInformation("MQTT bridge: in-process receiver on the embedded broker on {Host}:{Port}.", o.Host, o.Port);
            return;
        }

        await leases.InitializeAsync(cancellationToken);
        _pool = new ExternalReceiverPool(o, ingestor, results, metrics, _logger);
        var owner = $"{identity.Name}-{Guid.NewGuid().ToString("N")[..8]}";
        _leaser = new ClientIdLeaser(leases, o.ClientIdLeases, o.ClientIdPrefix, o.Connections, owner, _pool, time, loggerFactory.CreateLogger<ClientIdLeaser>());
        _pool.TakenOver = _leaser.Suspend;
        _leaser.Start();
        _logger.LogInformation("MQTT bridge: {Count} connection(s) to {Host}:{Port} ({Mode}) under client ids leased as {Owner}.", o.Connections, o.Host, o.Port, o.Mode, owner);
    }

    /// <summary>Publishes a downlink message on one of this silo's connected external connections.</summary>
    internal Task PublishAsync(MQTTnet.MqttApplicationMessage message, CancellationToken cancellationToken) =>
        _pool?.NextConnected() is { } connection
            ? connection.PublishAsync(message, cancellationToken)
            : Task.FromException(new InvalidOperationException("No bridge connection to the MQTT broker is up; the command is published again once one is."));

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("MQTT bridge draining {Count} connection(s).", ConnectionCount);
        if (_leaser is not null)
        {
            await _leaser.StopAsync(cancellationToken);
        }

        if (embedded is not null)
        {
            await embedded.DrainAsync(cancellationToken);
        }

        _logger.LogInformation("MQTT bridge stopped: {InFlight} messages left unacknowledged (the broker delivers them again).", metrics.InFlight);
    }

    public async ValueTask DisposeAsync()
    {
        if (_leaser is not null)
        {
            await _leaser.DisposeAsync();
        }

        if (_pool is not null)
        {
            await _pool.DisposeAsync();
        }
    }
}
