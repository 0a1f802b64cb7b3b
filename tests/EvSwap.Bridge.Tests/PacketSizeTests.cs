using System.Text;
using EvSwap.Contracts;
using EvSwap.Testing;
using MQTTnet;

namespace EvSwap.Bridge.Tests;

/// <summary>The bridge's MQTT 5 Maximum Packet Size keeps an oversized publish from ever reaching its buffers.</summary>
public sealed class PacketSizeTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-packet-" + Guid.NewGuid().ToString("N"));
    private Mosquitto _broker = null!;

    public async Task InitializeAsync() => _broker = await Mosquitto.StartAsync(Path.Combine(_dir, "mosquitto"));

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void The_bridge_announces_a_maximum_packet_size_of_the_payload_limit_plus_room_for_headers()
    {
        var options = MqttClientOptionsFactory.Create(new MqttOptions { Mode = MqttMode.External }, "bridge-0");

        Assert.Equal(MqttClientOptionsFactory.MaxPacketSize, options.MaximumPacketSize);
        Assert.InRange(options.MaximumPacketSize, (uint)TelemetryValidator.MaxPayloadBytes + 100, (uint)TelemetryValidator.MaxPayloadBytes + 8 * 1024);
    }

    [Fact]
    public async Task A_publish_larger_than_the_maximum_packet_size_is_never_sent_to_the_bridge_and_the_next_message_flows()
    {
        await using var silo = await TestSilo.StartExternalAsync(_broker, Path.Combine(_dir, "archive"));
        using var publisher = await Stations.ConnectAsync(_broker.Port, "packet-publisher");
        var oversized = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Stations.Snapshot("packet-00", 1)) + new string(' ', 512 * 1024));

        await Stations.PublishAsync(publisher, "packet-00", oversized);
        await Stations.PublishAsync(publisher, "packet-00", Stations.Snapshot("packet-00", 2));

        // The broker delivers one session's messages in order: once the second is done, the first was dropped, not late.
        await Eventually.GetAsync(() => Task.FromResult(silo.Processed), n => n >= 1);
        Assert.Equal((1, 1, 0), (silo.Metrics.Received, silo.Metrics.Accepted, silo.Metrics.Rejected));
        Assert.Equal(0, silo.Metrics.Reconnects);
        Assert.Equal(2, (await silo.GetJsonAsync("/stations/packet-00")).GetProperty("seq").GetInt64());
        await publisher.DisconnectAsync();
    }
}
