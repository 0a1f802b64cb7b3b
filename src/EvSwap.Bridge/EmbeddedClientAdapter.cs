using System.Net;
using System.Security.Cryptography.X509Certificates;
using EvSwap.Contracts;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace EvSwap.Bridge;

/// <summary>
/// One client connection of the embedded broker as MQTTnet's server sees it: MQTTnet's own adapter, with the CONNECT
/// and CONNACK adjusted where MQTTnet's server falls short of what MQTT allows.
/// </summary>
/// <remarks>
/// <para>
/// MQTT 3.1.1 lets a clean-session client send an empty client id for the server to assign one [MQTT-3.1.3-6], which
/// is what <c>mosquitto_pub</c> does by default. MQTTnet's server takes an assigned id only from MQTT 5 clients and
/// refuses the rest with "identifier rejected" after the connection validation has run, so the id is assigned here,
/// before MQTTnet reads the packet. An empty id with a persistent session stays refused, as the specification requires
/// [MQTT-3.1.3-8]; MQTT 5 clients get their id from <see cref="EmbeddedBroker"/>'s validation, which MQTTnet sends back
/// in the CONNACK.
/// </para>
/// <para>
/// MQTT 5 clients are also told the largest packet the broker accepts, so well-behaved ones refuse to send a larger
/// one instead of losing their connection over it.
/// </para>
/// <para>Only the first packet is looked at on the way in; every later one passes through without a wrapper.</para>
/// </remarks>
internal sealed class EmbeddedClientAdapter(IMqttChannelAdapter inner) : IMqttChannelAdapter
{
    private bool _connected;

    /// <summary>The client id after the CONNECT, assigned or the client's own; null before.</summary>
    public string? ClientId { get; private set; }

    public long BytesReceived => inner.BytesReceived;
    public long BytesSent => inner.BytesSent;
    public X509Certificate2 ClientCertificate => inner.ClientCertificate;
    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;
    public EndPoint LocalEndPoint => inner.LocalEndPoint;
    public bool IsSecureConnection => inner.IsSecureConnection;
    public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    public Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken) =>
        _connected ? inner.ReceivePacketAsync(cancellationToken) : ReceiveConnectAsync(cancellationToken);

    public void ResetStatistics() => inner.ResetStatistics();

    public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        if (packet is MqttConnAckPacket connAck && PacketFormatterAdapter.ProtocolVersion == MqttProtocolVersion.V500)
        {
            connAck.MaximumPacketSize = TelemetryLimits.MaxPacketBytes;
        }

        return inner.SendPacketAsync(packet, cancellationToken);
    }

    public void Dispose() => inner.Dispose();

    private async Task<MqttPacket> ReceiveConnectAsync(CancellationToken cancellationToken)
    {
        var packet = await inner.ReceivePacketAsync(cancellationToken).ConfigureAwait(false);
        _connected = true;
        if (packet is MqttConnectPacket connect)
        {
            if (string.IsNullOrEmpty(connect.ClientId) && connect.CleanSession && PacketFormatterAdapter.ProtocolVersion == MqttProtocolVersion.V311)
            {
                connect.ClientId = EmbeddedBroker.NewClientId();
            }

            ClientId = connect.ClientId;
        }

        return packet;
    }
}
