using MQTTnet.Exceptions;

namespace EvSwap.Bridge;

/// <summary>
/// A client sent a packet larger than the broker accepts. A protocol violation, so MQTTnet ends the connection
/// without acknowledging the packet, and the publisher keeps the message.
/// </summary>
internal sealed class MqttPacketTooLargeException(long packetBytes, int maxPacketBytes)
    : MqttProtocolViolationException($"A packet of {packetBytes} bytes is larger than the {maxPacketBytes} bytes the broker accepts.")
{
    public long PacketBytes { get; } = packetBytes;
}
