using EvSwap.Bridge;
using EvSwap.Contracts;
using EvSwap.Testing;
using MQTTnet;
using Microsoft.Extensions.DependencyInjection;

namespace EvSwap.EndToEndTests;

/// <summary>The local profile's broker as any MQTT client meets it, in a real silo.</summary>
public class EmbeddedBrokerTests
{
    [Fact]
    public async Task Mosquitto_pub_without_a_client_id_is_accepted_over_mqtt_3_1_1_and_5_and_its_message_applied()
    {
        await using var silo = await TestSilo.StartAsync();

        foreach (var protocol in new[] { "mqttv311", "mqttv5" })
        {
            var station = "mosquitto-pub-" + protocol;
            var (exitCode, output) = await MosquittoPub.PublishAsync(silo.MqttPort, TelemetryTopic.For(station), Snapshots.Json(station, 7), protocol);
            Assert.True(exitCode == 0, $"mosquitto_pub -V {protocol} exited with {exitCode}:\n{output}");

            var view = await Eventually.GetAsync(() => silo.GetJsonAsync($"/stations/{station}"), v => v.GetProperty("seq").GetInt64() == 7);
            Assert.Equal(7, view.GetProperty("seq").GetInt64());
        }
    }

    [Fact]
    public async Task An_mqtt_3_1_1_client_without_an_id_is_given_one_for_a_clean_session_and_refused_for_a_persistent_one()
    {
        await using var silo = await TestSilo.StartAsync();

        using (var clean = await RawMqttConnection.OpenAsync(silo.MqttPort))
        {
            Assert.Equal((byte)0, await clean.ConnectAsync("", cleanSession: true));
        }

        // A session kept under no name could never be resumed. MQTT 3.1.1 asks for a CONNACK "identifier rejected"
        // [MQTT-3.1.3-8]; MQTTnet's decoder closes the connection without one. Refused either way.
        using var persistent = await RawMqttConnection.OpenAsync(silo.MqttPort);
        Assert.NotEqual((byte)0, await persistent.ConnectAsync("", cleanSession: false));
    }

    [Fact]
    public async Task A_packet_over_the_limit_is_refused_from_its_header_and_a_new_connection_then_publishes_normally()
    {
        await using var silo = await TestSilo.StartAsync();
        var metrics = silo.Metrics;
        const string station = "packet-limit";

        // A PUBLISH header announcing one byte more than the limit, and no body: only the header can be refused.
        using (var raw = await RawMqttConnection.OpenAsync(silo.MqttPort))
        {
            Assert.Equal((byte)0, await raw.ConnectAsync("raw-oversized", cleanSession: true));
            var remaining = TelemetryLimits.MaxPacketBytes - 3; // plus a type byte and three length bytes: one over
            await raw.SendAsync([0x32, .. RawMqttConnection.RemainingLength(remaining)]);
            Assert.True(await raw.ClosedByServerAsync(TimeSpan.FromSeconds(30)), "the broker waited for the body of an oversized packet");
        }

        // An MQTT 5 client is told the limit; one that ignores it loses its connection and gets no acknowledgement.
        using (var ignoring = new MqttClientFactory().CreateMqttClient())
        {
            var connected = await ignoring.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", silo.MqttPort).WithClientId("big-publisher")
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
            Assert.Equal((uint)TelemetryLimits.MaxPacketBytes, connected.MaximumPacketSize);
            var oversized = Snapshots.WithNote(Snapshots.Json(station, 1), [(byte)'"', .. Enumerable.Repeat((byte)'x', TelemetryLimits.MaxPacketBytes), (byte)'"']);
            await Assert.ThrowsAnyAsync<Exception>(() => TestSilo.PublishAsync(ignoring, TelemetryTopic.For(station), oversized));
        }

        // A new connection publishes as usual, up to a payload exactly at the contract's limit.
        using var publisher = await silo.ConnectPublisherAsync("after-oversized");
        await TestSilo.PublishAsync(publisher, TelemetryTopic.For(station), Snapshots.Json(station, 2));
        var atLimit = Snapshots.Json(station, 3);
        atLimit = [.. atLimit, .. Enumerable.Repeat((byte)' ', TelemetryLimits.MaxPayloadBytes - atLimit.Length)];
        await TestSilo.PublishAsync(publisher, TelemetryTopic.For(station), atLimit);

        var view = await Eventually.GetAsync(() => silo.GetJsonAsync($"/stations/{station}"), v => v.GetProperty("seq").GetInt64() == 3);
        Assert.Equal(2, view.GetProperty("counters").GetProperty("messages").GetInt64());
        await Eventually.GetAsync(() => Task.FromResult(metrics.Accepted), n => n == 2);
        Assert.Equal((2L, 0L), (metrics.Received, metrics.Rejected));
    }
}
