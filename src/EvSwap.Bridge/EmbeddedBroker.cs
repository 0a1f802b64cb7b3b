using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace EvSwap.Bridge;

/// <summary>
/// The local profile's broker: an MQTTnet server in the silo process, so a developer needs nothing installed.
/// Telemetry goes from its publish pipeline to <see cref="EmbeddedReceiver"/>; other topics are brokered as usual.
/// Without a receiver it is a plain broker (the benchmark measures its ceiling that way).
/// </summary>
public sealed class EmbeddedBroker(IOptions<MqttOptions> options, EmbeddedReceiver? handOff, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    private MqttServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!IPAddress.TryParse(o.Host, out var address))
        {
            address = o.Host == "localhost" ? IPAddress.Loopback : (await Dns.GetHostAddressesAsync(o.Host, cancellationToken))[0];
        }

        _server = CreateServer(address, o.Port, logger);

        // Before the listener opens, so no telemetry is acknowledged that the receiver did not take.
        handOff?.Attach(_server);
        await _server.StartAsync();
        logger.LogInformation("Embedded MQTT broker listening on mqtt://{Host}:{Port}", o.Host, o.Port);
    }

    /// <summary>The server, not started, without a receiver; the benchmark measures a bare one built here.</summary>
    public static MqttServer CreateServer(IPAddress address, int port, ILogger logger)
    {
        var server = new MqttServerFactory().CreateMqttServer(ServerOptions(address, port), [new EmbeddedBrokerListener(logger)]);

        // Tools such as mosquitto_pub connect without a client id and expect the broker to assign one, as MQTT allows.
        // This covers MQTT 5, where the CONNACK tells the client its id; EmbeddedClientAdapter covers MQTT 3.1.1.
        server.ValidatingConnectionAsync += e =>
        {
            if (string.IsNullOrEmpty(e.ClientId))
            {
                e.AssignedClientIdentifier = NewClientId();
            }

            return Task.CompletedTask;
        };
        return server;
    }

    internal static string NewClientId() => "anonymous-" + Guid.NewGuid().ToString("N");

    /// <summary>The server's options; <see cref="EmbeddedBrokerListener"/> takes its endpoint from them.</summary>
    public static MqttServerOptions ServerOptions(IPAddress address, int port) => new MqttServerOptionsBuilder()
        .WithDefaultEndpoint()
        .WithDefaultEndpointBoundIPAddress(address)
        .WithDefaultEndpointPort(port)
        .WithPersistentSessions()
        // The default queue of 250 per subscriber silently drops messages when one falls behind a burst.
        .WithMaxPendingMessagesPerClient(1_000_000)
        .Build();

    /// <summary>Publishes a message from the platform itself (the downlink) to whoever subscribes, sessions of offline clients included.</summary>
    public Task InjectAsync(MQTTnet.MqttApplicationMessage message, CancellationToken cancellationToken) =>
        _server is { IsStarted: true } server
            ? server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = "evswap-downlink" }, cancellationToken)
            : Task.FromException(new InvalidOperationException("The embedded broker is not running."));

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            handOff?.Detach(_server);
            await _server.StopAsync();
        }
    }

    public void Dispose() => _server?.Dispose();
}
