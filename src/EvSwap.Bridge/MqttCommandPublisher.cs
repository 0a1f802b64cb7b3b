using System.Text.Json;
using EvSwap.Contracts;
using MQTTnet;
using MQTTnet.Protocol;

namespace EvSwap.Bridge;

/// <summary>
/// The downlink: publishes a station grain's command on <c>evswap/v1/stations/{id}/commands</c>, QoS 1. With the
/// embedded broker the message is injected into it (a station's persistent session keeps it while the station is
/// offline); with an external broker one of this silo's bridge connections publishes it and waits for the PUBACK.
/// </summary>
internal sealed class MqttCommandPublisher(TelemetryBridge bridge, EmbeddedBroker? embedded = null) : ICommandPublisher
{
    public Task PublishAsync(StationCommand command, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(CommandTopic.CommandsFor(command.StationId))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(command, DownlinkJsonContext.Default.StationCommand))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .Build();
        return embedded is not null ? embedded.InjectAsync(message, cancellationToken) : bridge.PublishAsync(message, cancellationToken);
    }
}
