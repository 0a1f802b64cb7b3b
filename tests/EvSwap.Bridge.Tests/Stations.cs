using EvSwap.Contracts;
using EvSwap.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EvSwap.Bridge.Tests;

/// <summary>Station-side helpers: snapshots, a QoS 1 publisher, and reading back what the archive holds.</summary>
public static class Stations
{
    public static byte[] Snapshot(string stationId, long seq, long boot = 1, bool swap = false)
    {
        var message = TelemetryBuilder.For(stationId).Boot(boot).Seq(seq).Ambient(18, 30)
            .Ready(1, $"{stationId}-b1", socPct: 99, tempC: 28, sohPct: 95, cycles: 10)
            .Charging(2, $"{stationId}-b2", socPct: 40 + seq % 50, tempC: 33, sohPct: 92, cycles: 30);
        return (swap ? message.Swap(2, $"{stationId}-b2", 1, $"{stationId}-b1") : message).Json();
    }

    public static async Task<IMqttClient> ConnectAsync(int port, string clientId, MqttClientTlsOptions? tls = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithProtocolVersion(MqttProtocolVersion.V500);
        if (tls is not null)
        {
            options.WithTlsOptions(tls);
        }

        await client.ConnectAsync(options.Build());
        return client;
    }

    public static async Task PublishAsync(IMqttClient client, string stationId, byte[] payload, string? topic = null)
    {
        var result = await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic ?? TelemetryTopic.For(stationId))
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        Assert.True(result.IsSuccess, $"broker refused a publish: {result.ReasonCode}");
    }

    public static Task<List<(string Station, long Boot, long Seq)>> ReadArchiveAsync(string archivePath) => ArchiveContents.TelemetryAsync(archivePath);

    public static Task<List<(string Topic, string[] Reasons)>> ReadRejectedAsync(string archivePath) => ArchiveContents.RejectedAsync(archivePath);
}
