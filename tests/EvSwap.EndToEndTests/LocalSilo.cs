using System.Net.Http.Json;
using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Testing;
using Microsoft.AspNetCore.Builder;
using MQTTnet;
using MQTTnet.Protocol;

namespace EvSwap.EndToEndTests;

/// <summary>The real silo host (Orleans, embedded broker, bridge, API) on free loopback ports with its own archive directory.</summary>
public sealed class LocalSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private LocalSilo(WebApplication app, string archivePath, int apiPort, int mqttPort)
    {
        _app = app;
        ArchivePath = archivePath;
        MqttPort = mqttPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
    }

    public string ArchivePath { get; }
    public int MqttPort { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    public static Task<LocalSilo> StartAsync(params string[] extraArgs) => StartAsync(null, extraArgs);

    /// <param name="configure">Runs on the host builder before the silo's own registrations (test grain call filters).</param>
    public static async Task<LocalSilo> StartAsync(Action<WebApplicationBuilder>? configure, params string[] extraArgs)
    {
        var archive = Path.Combine(Path.GetTempPath(), "evswap-e2e-" + Guid.NewGuid().ToString("N"));
        var apiPort = FreePort.Next();
        var mqttPort = FreePort.Next();
        string[] args =
        [
            $"--urls=http://127.0.0.1:{apiPort}",
            $"--Mqtt:Port={mqttPort}",
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
        await app.StartAsync();
        var silo = new LocalSilo(app, archive, apiPort, mqttPort);
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
        Http.Dispose();
        if (Directory.Exists(ArchivePath))
        {
            Directory.Delete(ArchivePath, recursive: true);
        }

        if (Directory.Exists(ArchivePath + "-alarms"))
        {
            Directory.Delete(ArchivePath + "-alarms", recursive: true);
        }
    }
}
