using System.Net.Http.Json;
using System.Text.Json;
using EvSwap.Bridge;
using EvSwap.Contracts;
using EvSwap.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EvSwap.Bridge.Tests;

/// <summary>
/// The real silo host with <c>Mqtt:Mode=External</c>: its bridge connects to a test mosquitto the way it connects to
/// IoT Core. API, silo and gateway ports are free loopback ports; the archive directory is the caller's, so several
/// silos can share one like a cluster shares its bucket.
/// </summary>
public sealed class BridgeSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private BridgeSilo(WebApplication app, int apiPort)
    {
        _app = app;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
    }

    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    public BridgeMetrics Metrics => _app.Services.GetRequiredService<BridgeMetrics>();
    public TelemetryBridge Bridge => _app.Services.GetRequiredService<TelemetryBridge>();
    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public static Task<BridgeSilo> StartAsync(Mosquitto broker, string archivePath, params string[] extraArgs) =>
        StartAsync(broker.Port, archivePath, extraArgs);

    public static Task<BridgeSilo> StartAsync(int brokerPort, string archivePath, params string[] extraArgs) =>
        StartAsync(brokerPort, archivePath, null, extraArgs);

    /// <param name="configure">Runs on the host builder before the silo's own registrations (a test archive store).</param>
    public static async Task<BridgeSilo> StartAsync(int brokerPort, string archivePath, Action<WebApplicationBuilder>? configure, params string[] extraArgs)
    {
        var apiPort = FreePort.Next();
        string[] args =
        [
            $"--urls=http://127.0.0.1:{apiPort}",
            "--Mqtt:Mode=External",
            "--Mqtt:Host=127.0.0.1",
            $"--Mqtt:Port={brokerPort}",
            "--Mqtt:ReconnectMaxDelay=00:00:01",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            $"--Archive:Path={archivePath}",
            $"--IngestLog:Path={archivePath}-log",
            $"--Ledger:Path={archivePath}-ledger/swaps.db",
            $"--Alarms:Path={archivePath}-alarms",
            $"--Ledger:Batteries:Path={archivePath}-batteries",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ];
        var app = EvSwap.Silo.SiloApp.Build(args, configure);
        await app.StartAsync();
        var silo = new BridgeSilo(app, apiPort);
        await Eventually.GetAsync(async () => (await silo.Http.GetAsync("/health/ready")).IsSuccessStatusCode, ok => ok);
        return silo;
    }

    /// <summary>Messages this silo's bridge has finished with: applied, counted as duplicates, or rejected.</summary>
    public long Processed => Metrics.Accepted + Metrics.Duplicates + Metrics.Rejected;

    public async Task<JsonElement> GetJsonAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        Http.Dispose();
    }
}

/// <summary>Station-side helpers: snapshots, a QoS 1 publisher, and reading back what the archive holds.</summary>
public static class Stations
{
    public static byte[] Snapshot(string stationId, long seq, long boot = 1, bool swap = false)
    {
        var message = new TelemetryMessage
        {
            Schema = TelemetryMessage.SchemaV1,
            StationId = stationId,
            Boot = boot,
            Seq = seq,
            Ts = DateTimeOffset.UtcNow,
            AmbientC = 18,
            GridPowerKw = 30,
            Slots =
            [
                new SlotReading { Slot = 1, State = SlotStates.Ready, BatteryId = $"{stationId}-b1", SocPct = 99, TempC = 28, SohPct = 95, Cycles = 10 },
                new SlotReading { Slot = 2, State = SlotStates.Charging, BatteryId = $"{stationId}-b2", SocPct = 40 + seq % 50, TempC = 33, SohPct = 92, Cycles = 30 },
            ],
            Events = swap ? [new StationEvent { Type = EventTypes.Swap, At = DateTimeOffset.UtcNow, SlotIn = 2, BatteryIn = $"{stationId}-b2", SlotOut = 1, BatteryOut = $"{stationId}-b1" }] : null,
        };
        return JsonSerializer.SerializeToUtf8Bytes(message, TelemetryJsonContext.Default.TelemetryMessage);
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
