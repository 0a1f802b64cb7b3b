using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Bridge;
using EvSwap.Contracts;
using EvSwap.Testing;
using MQTTnet;
using Microsoft.Extensions.DependencyInjection;

namespace EvSwap.EndToEndTests;

/// <summary>The silo-wide bound of unarchived telemetry, through the local profile's embedded broker.</summary>
public sealed class IngestBudgetTests : IDisposable
{
    private readonly string _archive = Path.Combine(Path.GetTempPath(), "evswap-e2e-budget-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_archive))
        {
            Directory.Delete(_archive, recursive: true);
        }
    }

    private static byte[] Snapshot(string stationId, long seq) => TelemetryBuilder.For(stationId).Seq(seq).Ready(1, "bat-1").Json();

    [Fact]
    public async Task Past_the_silo_budget_publishes_are_refused_unacknowledged_readiness_degrades_and_once_the_archive_returns_every_message_is_archived_once()
    {
        var store = new OutageArchiveStore(_archive);
        await using var silo = await TestSilo.StartAsync(
            b => b.Services.AddSingleton<IArchiveStore>(store),
            "--Archive:MaxUnarchivedBytesPerSilo=20000", "--Archive:MaxBatchMessages=5", "--Archive:MaxBatchBytes=4096",
            "--Station:MaintenanceInterval=00:00:01");
        var budget = silo.Services.GetRequiredService<UnarchivedBudget>();
        var metrics = silo.Metrics;
        var ids = Enumerable.Range(0, 10).Select(i => $"budget-{i}").ToList();
        var acknowledged = new List<(string Station, long Seq)>();

        var publisher = await silo.ConnectPublisherAsync("budget-publisher");
        foreach (var id in ids)
        {
            await TestSilo.PublishAsync(publisher, TelemetryTopic.For(id), Snapshot(id, 1));
            acknowledged.Add((id, 1));
        }

        await Eventually.GetAsync(() => Task.FromResult(metrics.Accepted), n => n == ids.Count);
        store.Down = true;

        // Bounded: a few hundred bytes a message reach the 20,000-byte budget within a few dozen.
        (string Station, long Seq)? refused = null;
        for (var seq = 2; seq <= 200 && refused is null; seq++)
        {
            foreach (var id in ids)
            {
                try
                {
                    // Bounded: a refused publish fails when the broker closes the connection, not by timing out.
                    await TestSilo.PublishAsync(publisher, TelemetryTopic.For(id), Snapshot(id, seq)).WaitAsync(TimeSpan.FromSeconds(30));
                    acknowledged.Add((id, seq));
                }
                catch (Exception)
                {
                    refused = (id, seq);
                    break;
                }
            }
        }

        Assert.NotNull(refused);
        Assert.True(budget.IsExceeded);
        Assert.True(metrics.RefusedByReason.GetValueOrDefault("unarchived_budget") > 0);
        // The archive check fails too during the outage, so the answer is 503; the budget's own entry says why ingest stops.
        using var ready = JsonDocument.Parse(await (await silo.Http.GetAsync("/health/ready")).Content.ReadAsStringAsync());
        var check = ready.RootElement.GetProperty("checks").GetProperty("ingest-budget");
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        Assert.Contains("Archive:MaxUnarchivedBytesPerSilo", check.GetProperty("description").GetString(), StringComparison.Ordinal);

        // Refused means not applied: the station's view never saw it.
        var station = await silo.GetJsonAsync($"/stations/{refused.Value.Station}");
        Assert.True(station.GetProperty("seq").GetInt64() < refused.Value.Seq);

        store.Down = false;
        Assert.False(await Eventually.GetAsync(() => Task.FromResult(budget.IsExceeded), exceeded => !exceeded, TimeSpan.FromMinutes(1)));

        // The station kept what was refused and sends it again; now it is taken.
        publisher.Dispose();
        publisher = await silo.ConnectPublisherAsync("budget-publisher");
        await TestSilo.PublishAsync(publisher, TelemetryTopic.For(refused.Value.Station), Snapshot(refused.Value.Station, refused.Value.Seq));
        acknowledged.Add(refused.Value);
        await Eventually.GetAsync(() => Task.FromResult(metrics.Accepted), n => n == acknowledged.Count);
        Assert.Equal(acknowledged.Count, metrics.Accepted);
        await publisher.DisconnectAsync(new MqttClientDisconnectOptions());
        publisher.Dispose();

        await silo.StopAsync();
        var archived = await ArchiveContents.TelemetryAsync(store);
        Assert.Equal(acknowledged.ToHashSet(), archived.Select(m => (m.Station, m.Seq)).ToHashSet());
        Assert.Equal(archived.Count, archived.Distinct().Count());
    }
}
