using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Testing;
using Microsoft.AspNetCore.Builder;
using MQTTnet;
using MQTTnet.Protocol;

namespace EvSwap.Console.Tests;

/// <summary>
/// The real silo host on free loopback ports with its own archive, serving the console, and a publisher that feeds it
/// station snapshots over MQTT through its embedded broker.
/// </summary>
public sealed class ConsoleSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IMqttClient _publisher;
    private readonly Dictionary<string, long> _seqs = [];

    private ConsoleSilo(WebApplication app, IMqttClient publisher, string archive, int apiPort)
    {
        _app = app;
        _publisher = publisher;
        ArchivePath = archive;
        BaseAddress = new Uri($"http://127.0.0.1:{apiPort}");
    }

    public Uri BaseAddress { get; }

    public string ArchivePath { get; }

    public static async Task<ConsoleSilo> StartAsync()
    {
        var archive = Path.Combine(Path.GetTempPath(), "evswap-console-" + Guid.NewGuid().ToString("N"));
        var apiPort = FreePort.Next();
        var mqttPort = FreePort.Next();
        var app = EvSwap.Silo.SiloApp.Build(
        [
            // The silo's static web assets manifest (MudBlazor, the console's css, blazor.web.js) is named after it.
            "--applicationName=EvSwap.Silo",
            $"--urls=http://127.0.0.1:{apiPort}",
            $"--Mqtt:Port={mqttPort}",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            $"--Archive:Path={archive}",
            $"--IngestLog:Path={archive}-log",
            "--Archive:MaxBatchMessages=5",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mqttPort).WithClientId("console-tests").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        return new ConsoleSilo(app, publisher, archive, apiPort);
    }

    /// <summary>Publishes the station's next snapshot: eight slots whose charge and temperature move with every message.</summary>
    public Task PublishAsync(string stationId, bool swap = false, bool fault = false)
    {
        var seq = _seqs[stationId] = _seqs.GetValueOrDefault(stationId) + 1;
        var now = DateTimeOffset.UtcNow;
        var message = new TelemetryMessage
        {
            Schema = TelemetryMessage.SchemaV1,
            StationId = stationId,
            Boot = 1,
            Seq = seq,
            Ts = now,
            AmbientC = 18 + seq % 5,
            GridPowerKw = 20 + seq % 30,
            Slots = [.. Enumerable.Range(1, 8).Select(slot => slot == 8
                ? new SlotReading { Slot = slot, State = SlotStates.Empty }
                : new SlotReading
                {
                    Slot = slot,
                    State = slot <= 3 ? SlotStates.Ready : SlotStates.Charging,
                    BatteryId = $"bat-{stationId}-{slot}",
                    SocPct = slot <= 3 ? 99 : Math.Min(94, 20 + slot * 5 + seq),
                    TempC = 25 + slot + seq % 3,
                    SohPct = 95,
                    Cycles = 100,
                })],
            Events =
            [
                .. swap ? [new StationEvent { Type = EventTypes.Swap, At = now, SlotIn = 8, BatteryIn = "bat-in", SlotOut = 1, BatteryOut = $"bat-{stationId}-1" }] : Array.Empty<StationEvent>(),
                .. fault ? [new StationEvent { Type = EventTypes.Fault, At = now, Slot = 4, Code = "OVERTEMP" }] : Array.Empty<StationEvent>(),
            ],
        };
        return _publisher.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(TelemetryTopic.For(stationId))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(message, TelemetryJsonContext.Default.TelemetryMessage))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
    }

    public async ValueTask DisposeAsync()
    {
        _publisher.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var dir in new[] { ArchivePath, ArchivePath + "-log" })
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
