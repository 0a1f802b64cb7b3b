using System.Net.Http.Json;
using System.Text.Json;
using EvSwap.Bridge;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace EvSwap.Testing;

/// <summary>
/// The real silo host (<c>SiloApp</c>: Orleans, bridge, API) on free loopback ports. With the embedded broker it listens
/// for MQTT itself and keeps its data in a directory of its own, removed on dispose; with an external broker
/// (<c>Mqtt:Mode=External</c>) its bridge connects to a test mosquitto the way it connects to IoT Core, and the archive
/// directory is the caller's, so several silos can share one as a cluster shares its bucket.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsData;
    private bool _stopped;

    private TestSilo(WebApplication app, BridgeCounters metrics, string archivePath, int apiPort, int mqttPort, bool ownsData)
    {
        _app = app;
        Metrics = metrics;
        _ownsData = ownsData;
        ArchivePath = archivePath;
        MqttPort = mqttPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
    }

    public string ArchivePath { get; }

    /// <summary>Where publishers connect: the embedded broker's port, or the external broker's.</summary>
    public int MqttPort { get; }

    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    /// <summary>The bridge's instruments, collected since before the silo started.</summary>
    public BridgeCounters Metrics { get; }
    public TelemetryBridge Bridge => _app.Services.GetRequiredService<TelemetryBridge>();
    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Messages this silo's bridge has finished with: applied, counted as duplicates, or rejected.</summary>
    public long Processed => Metrics.Accepted + Metrics.Duplicates + Metrics.Rejected;

    /// <summary>A silo with its embedded broker.</summary>
    public static Task<TestSilo> StartAsync(params string[] extraArgs) => StartAsync(null, extraArgs);

    /// <param name="configure">Runs on the host builder before the silo's own registrations (test grain call filters).</param>
    public static Task<TestSilo> StartAsync(Action<WebApplicationBuilder>? configure, params string[] extraArgs)
    {
        var data = Path.Combine(Path.GetTempPath(), "evswap-silo-" + Guid.NewGuid().ToString("N"));
        var mqttPort = FreePort.Next();
        return StartAsync(data, mqttPort, ownsData: true, configure, [$"--Mqtt:Port={mqttPort}", .. extraArgs]);
    }

    /// <summary>A silo whose bridge connects to <paramref name="broker"/>, archiving into <paramref name="archivePath"/>.</summary>
    public static Task<TestSilo> StartExternalAsync(Mosquitto broker, string archivePath, params string[] extraArgs) =>
        StartExternalAsync(broker.Port, archivePath, null, extraArgs);

    public static Task<TestSilo> StartExternalAsync(int brokerPort, string archivePath, params string[] extraArgs) =>
        StartExternalAsync(brokerPort, archivePath, null, extraArgs);

    /// <param name="configure">Runs on the host builder before the silo's own registrations (a test archive store).</param>
    public static Task<TestSilo> StartExternalAsync(int brokerPort, string archivePath, Action<WebApplicationBuilder>? configure, params string[] extraArgs) =>
        StartAsync(archivePath, brokerPort, ownsData: false, configure,
        [
            "--Mqtt:Mode=External",
            "--Mqtt:Host=127.0.0.1",
            $"--Mqtt:Port={brokerPort}",
            "--Mqtt:ReconnectMaxDelay=00:00:01",
            .. extraArgs,
        ]);

    private static async Task<TestSilo> StartAsync(string archive, int mqttPort, bool ownsData, Action<WebApplicationBuilder>? configure, string[] extraArgs)
    {
        var apiPort = FreePort.Next();
        string[] args =
        [
            $"--urls=http://127.0.0.1:{apiPort}",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            $"--Archive:Path={archive}",
            $"--IngestLog:Path={archive}-log",
            $"--Ledger:Path={archive}-ledger/swaps.db",
            $"--Alarms:Path={archive}-alarms",
            $"--Ledger:Batteries:Path={archive}-batteries",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ];
        var app = EvSwap.Silo.SiloApp.Build(args, configure);
        var metrics = new BridgeCounters(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await app.StartAsync();
        var silo = new TestSilo(app, metrics, archive, apiPort, mqttPort, ownsData);
        await Eventually.GetAsync(async () => (await silo.Http.GetAsync("/health/ready")).IsSuccessStatusCode, ok => ok);
        return silo;
    }

    public async Task<IMqttClient> ConnectPublisherAsync(string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", MqttPort).WithClientId(clientId).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        return client;
    }

    public static Task PublishAsync(IMqttClient client, string topic, byte[] payload) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public async Task<JsonElement> GetJsonAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    /// <summary>Every archived telemetry message as (station, boot, seq), read from the files the silo wrote.</summary>
    public Task<List<(string Station, long Boot, long Seq)>> ReadArchivedTelemetryAsync() => ArchiveContents.TelemetryAsync(ArchivePath);

    /// <summary>Every dead letter as (topic, reasons).</summary>
    public Task<List<(string Topic, string[] Reasons)>> ReadRejectedAsync() => ArchiveContents.RejectedAsync(ArchivePath);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        Metrics.Dispose();
        Http.Dispose();
        if (_ownsData)
        {
            foreach (var dir in new[] { ArchivePath, ArchivePath + "-log", ArchivePath + "-ledger", ArchivePath + "-alarms", ArchivePath + "-batteries" })
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        }
    }
}
