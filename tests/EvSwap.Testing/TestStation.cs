using System.Text.Json;
using System.Threading.Channels;
using EvSwap.Contracts;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EvSwap.Testing;

/// <summary>
/// A station's end of the downlink over real MQTT: connects under its station id with a persistent session (as a
/// station on IoT Core does), subscribes to its commands, and answers on its command-results topic.
/// </summary>
public sealed class TestStation : IAsyncDisposable
{
    private readonly Channel<StationCommand> _commands = Channel.CreateUnbounded<StationCommand>();
    private readonly int _port;
    private IMqttClient _client;

    private TestStation(string stationId, int port, IMqttClient client)
    {
        StationId = stationId;
        _port = port;
        _client = client;
    }

    public string StationId { get; }

    /// <summary>Whether the broker had kept this station's session at the last connect.</summary>
    public bool SessionPresent { get; private set; }

    public static async Task<TestStation> ConnectAsync(int port, string stationId)
    {
        var station = new TestStation(stationId, port, null!);
        await station.ConnectAsync(subscribe: true);
        return station;
    }

    /// <summary>Drops the connection (the session stays with the broker) and connects again without subscribing anew.</summary>
    public async Task DisconnectAsync()
    {
        await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build());
        _client.Dispose();
    }

    /// <summary>Connects again on the same session; what the broker queued meanwhile arrives without a new subscription.</summary>
    public Task ReconnectAsync() => ConnectAsync(subscribe: false);

    public async Task<StationCommand> NextCommandAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        return await _commands.Reader.ReadAsync(cts.Token);
    }

    public Task AnswerAsync(string commandId, string status, string? reason = null) =>
        PublishAsync(CommandTopic.ResultsFor(StationId), JsonSerializer.SerializeToUtf8Bytes(
            new CommandResult { Schema = CommandResult.SchemaV1, StationId = StationId, CommandId = commandId, Status = status, Reason = reason, Ts = DateTimeOffset.UtcNow },
            DownlinkJsonContext.Default.CommandResult));

    public Task PublishTelemetryAsync(byte[] payload) => PublishAsync(TelemetryTopic.For(StationId), payload);

    public Task PublishAsync(string topic, byte[] payload) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    private async Task ConnectAsync(bool subscribe)
    {
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var command = JsonSerializer.Deserialize(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), DownlinkJsonContext.Default.StationCommand)!;
            _commands.Writer.TryWrite(command);
            return Task.CompletedTask;
        };
        var result = await _client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _port)
            .WithClientId(StationId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .Build());
        SessionPresent = result.IsSessionPresent;
        if (subscribe)
        {
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(CommandTopic.CommandsFor(StationId)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .Build());
        }
    }
}
