using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace EvSwap.Bridge;

/// <summary>
/// The local profile's broker: an MQTTnet server in the silo process, so a developer needs nothing installed.
/// It has no shared subscriptions; the bridge subscribes to the plain filter instead.
/// </summary>
public sealed class EmbeddedBroker(IOptions<MqttOptions> options, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    private MqttServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!IPAddress.TryParse(o.Host, out var address))
        {
            address = o.Host == "localhost" ? IPAddress.Loopback : (await Dns.GetHostAddressesAsync(o.Host, cancellationToken))[0];
        }

        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(o.Port)
            .WithPersistentSessions()
            // The default queue of 250 per client drops messages when the bridge falls behind a burst.
            .WithMaxPendingMessagesPerClient(1_000_000)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);

        // Tools such as mosquitto_pub connect without a client id and expect the broker to assign one, as MQTT allows.
        _server.ValidatingConnectionAsync += e =>
        {
            if (string.IsNullOrEmpty(e.ClientId))
            {
                e.AssignedClientIdentifier = "anonymous-" + Guid.NewGuid().ToString("N");
            }

            return Task.CompletedTask;
        };
        await _server.StartAsync();
        logger.LogInformation("Embedded MQTT broker listening on mqtt://{Host}:{Port}", o.Host, o.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }

    public void Dispose() => _server?.Dispose();
}
