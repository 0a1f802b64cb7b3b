using EvSwap.Contracts;
using EvSwap.Testing;
using MQTTnet;

namespace EvSwap.Console.Tests;

/// <summary>
/// The test kit's silo serving the console, and a publisher that feeds it station snapshots over MQTT through its
/// embedded broker.
/// </summary>
public sealed class ConsoleSilo : IAsyncDisposable
{
    private readonly TestSilo _silo;
    private readonly IMqttClient _publisher;
    private readonly Dictionary<string, long> _seqs = [];

    private ConsoleSilo(TestSilo silo, IMqttClient publisher)
    {
        _silo = silo;
        _publisher = publisher;
    }

    public Uri BaseAddress => _silo.Http.BaseAddress!;

    public string ArchivePath => _silo.ArchivePath;

    /// <summary>A GET of the silo's API, to see what the console wrote or to wait for what it will show.</summary>
    public Task<System.Text.Json.JsonElement> GetJsonAsync(string path) => _silo.GetJsonAsync(path);

    public static async Task<ConsoleSilo> StartAsync()
    {
        var silo = await TestSilo.StartAsync(
            // The silo's static web assets manifest (MudBlazor, the console's css, blazor.web.js) is named after it.
            "--applicationName=EvSwap.Silo",
            "--Archive:MaxBatchMessages=5",
            // An alarm raised while its page is open shows up within a second rather than five.
            "--Console:AlarmRefresh=00:00:01");
        return new ConsoleSilo(silo, await silo.ConnectPublisherAsync("console-tests"));
    }

    /// <summary>Publishes the station's next snapshot: eight slots whose charge and temperature move with every message.</summary>
    /// <param name="hot">Slot 2 at 70 °C, over the over-temperature alarm's limit (55 °C, raised after 3 such messages).</param>
    public Task PublishAsync(string stationId, bool swap = false, bool fault = false, bool hot = false)
    {
        var seq = _seqs[stationId] = _seqs.GetValueOrDefault(stationId) + 1;
        var message = TelemetryBuilder.For(stationId).Seq(seq).Ambient(18 + seq % 5, 20 + seq % 30);
        for (var slot = 1; slot <= 7; slot++)
        {
            message = slot <= 3
                ? message.Ready(slot, $"bat-{stationId}-{slot}", socPct: 99, tempC: hot && slot == 2 ? 70 : 25 + slot + seq % 3, sohPct: 95, cycles: 100)
                : message.Charging(slot, $"bat-{stationId}-{slot}", socPct: Math.Min(94, 20 + slot * 5 + seq), tempC: 25 + slot + seq % 3, sohPct: 95, cycles: 100);
        }

        message.Empty(8);
        if (swap)
        {
            message.Swap(8, "bat-in", 1, $"bat-{stationId}-1");
        }

        if (fault)
        {
            message.FaultEvent(4, "OVERTEMP");
        }

        return TestSilo.PublishAsync(_publisher, TelemetryTopic.For(stationId), message.Json());
    }

    public async ValueTask DisposeAsync()
    {
        _publisher.Dispose();
        await _silo.DisposeAsync();
    }
}
