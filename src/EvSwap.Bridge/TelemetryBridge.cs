using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Bridge;

/// <summary>
/// The bridge of this silo: with an external broker, a pool of <see cref="MqttOptions.Connections"/> connections in
/// one shared subscription group; with the embedded broker, the in-process <see cref="EmbeddedHandOff"/>.
/// Registered after Orleans so the host stops it first: the bridge drains before grains flush.
/// </summary>
public sealed class TelemetryBridge(
    IOptions<MqttOptions> options,
    BridgeIdentity identity,
    TelemetryIngestor ingestor,
    BridgeMetrics metrics,
    ILoggerFactory loggerFactory,
    EmbeddedHandOff? embedded = null) : IHostedService, IAsyncDisposable
{
    private readonly List<BridgeConnection> _connections = [];
    private readonly ILogger _logger = loggerFactory.CreateLogger<TelemetryBridge>();

    public int ConnectionCount => embedded is null ? _connections.Count : 1;
    public int ConnectedCount => embedded is null ? _connections.Count(c => c.IsConnected) : embedded.IsAttached ? 1 : 0;
    public IReadOnlyList<string> ClientIds => [.. _connections.Select(c => c.ClientId)];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (embedded is not null)
        {
            _logger.LogInformation("MQTT bridge: in-process hand-off from the embedded broker on {Host}:{Port}.", o.Host, o.Port);
            return Task.CompletedTask;
        }

        for (var i = 0; i < o.Connections; i++)
        {
            // Stable per silo and connection, so a reconnect resumes the same persistent session.
            var clientId = $"{o.ClientIdPrefix}-{identity.Name}-{i}";
            var connection = new BridgeConnection(clientId, o, MqttClientOptionsFactory.Create(o, clientId), ingestor, metrics, _logger);
            _connections.Add(connection);
            connection.Start();
        }

        _logger.LogInformation("MQTT bridge: {Count} connection(s) to {Host}:{Port} ({Mode}).", o.Connections, o.Host, o.Port, o.Mode);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("MQTT bridge draining {Count} connection(s).", ConnectionCount);
        await Task.WhenAll(_connections.Select(c => c.DrainAsync(cancellationToken)));
        if (embedded is not null)
        {
            await embedded.DrainAsync(cancellationToken);
        }

        _logger.LogInformation("MQTT bridge stopped: {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected.", metrics.Accepted, metrics.Duplicates, metrics.Rejected);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _connections)
        {
            await c.DisposeAsync();
        }

        _connections.Clear();
    }
}
