using System.Net;
using System.Net.Sockets;
using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace EvSwap.Bridge;

/// <summary>
/// The embedded broker's TCP listener, in place of MQTTnet's own, which offers no hook into a connection's stream.
/// Each connection is read through a <see cref="PacketSizeLimitStream"/>, so a packet over
/// <see cref="TelemetryLimits.MaxPacketBytes"/> is refused before its body is buffered, and handed to MQTTnet's server
/// as an <see cref="EmbeddedClientAdapter"/>, which accepts MQTT 3.1.1 clients without a client id.
/// </summary>
/// <remarks>
/// It listens on exactly the configured address. (MQTTnet's listener also opened every IPv6 interface, whatever the
/// configured IPv4 address was.) Plain TCP only: the embedded broker has no TLS endpoint.
/// </remarks>
internal sealed class EmbeddedBrokerListener(ILogger logger) : IMqttServerAdapter
{
    private Socket? _socket;
    private CancellationTokenSource? _stopping;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger mqttLogger)
    {
        var endpoint = options.DefaultEndpointOptions;
        var local = new IPEndPoint(endpoint.BoundInterNetworkAddress, endpoint.Port);
        var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(local);
            socket.Listen(endpoint.ConnectionBacklog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        _stopping = new CancellationTokenSource();
        _ = AcceptAsync(socket, options, mqttLogger, _stopping.Token);
        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        _stopping?.Cancel();
        _socket?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        StopAsync();
        _stopping?.Dispose();
    }

    private async Task AcceptAsync(Socket listener, MqttServerOptions options, IMqttNetLogger mqttLogger, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                // The client gave up before it was accepted.
                continue;
            }
            catch (Exception ex)
            {
                // Whatever it was, the listener must not stop listening.
                logger.LogWarning(ex, "Embedded broker: accepting a connection failed; trying again in a second.");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            _ = Task.Run(() => ServeAsync(client, options, mqttLogger), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket socket, MqttServerOptions options, IMqttNetLogger mqttLogger)
    {
        var endpoint = options.DefaultEndpointOptions;
        EmbeddedClientAdapter? client = null;
        try
        {
            socket.NoDelay = endpoint.NoDelay;
            var remote = socket.RemoteEndPoint;
            var stream = new PacketSizeLimitStream(new NetworkStream(socket, ownsSocket: true), TelemetryLimits.MaxPacketBytes, size =>
                logger.LogWarning(
                    "Embedded broker: refused a packet of {PacketBytes} bytes from client {ClientId} at {Remote}, the limit is {MaxPacketBytes}; the connection is closed.",
                    size, client?.ClientId ?? "(before CONNECT)", remote, TelemetryLimits.MaxPacketBytes));
            await using (stream.ConfigureAwait(false))
            {
                var channel = new MqttTcpChannel(stream, socket.LocalEndPoint, remote, clientCertificate: null);
                var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
                using var adapter = new MqttChannelAdapter(channel, formatter, mqttLogger) { AllowPacketFragmentation = endpoint.AllowPacketFragmentation };
                client = new EmbeddedClientAdapter(adapter);
                if (ClientHandler is { } handler)
                {
                    await handler(client).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException or IOException)
        {
            // The connection ended under MQTTnet's feet; nothing to tell.
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Embedded broker: a client connection failed.");
        }
        finally
        {
            socket.Dispose();
        }
    }
}
