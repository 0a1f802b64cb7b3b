using EvSwap.Archive;
using EvSwap.Testing;
using MQTTnet;
using Microsoft.Extensions.DependencyInjection;

namespace EvSwap.Bridge.Tests;

/// <summary>The silo-wide bound of unarchived telemetry on the external bridge: refusal leaves messages with the broker.</summary>
public sealed class IngestBudgetBridgeTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-bridge-budget-" + Guid.NewGuid().ToString("N"));
    private Mosquitto _broker = null!;

    public async Task InitializeAsync() => _broker = await Mosquitto.StartAsync(Path.Combine(_dir, "mosquitto"));

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Past_the_silo_budget_the_bridge_holds_messages_unacknowledged_and_applies_each_once_when_the_archive_returns()
    {
        var store = new OutageArchiveStore(Path.Combine(_dir, "archive"));
        await using var silo = await TestSilo.StartExternalAsync(_broker.Port, Path.Combine(_dir, "unused"),
            b => b.Services.AddSingleton<IArchiveStore>(store),
            "--Archive:MaxUnarchivedBytesPerSilo=20000", "--Archive:MaxBatchMessages=5", "--Archive:MaxBatchBytes=4096",
            "--Station:MaintenanceInterval=00:00:01");
        var budget = silo.Services.GetRequiredService<UnarchivedBudget>();
        using var publisher = await Stations.ConnectAsync(_broker.Port, "budget-bridge-publisher");
        var ids = Enumerable.Range(0, 10).Select(i => $"bbudget-{i}").ToList();
        foreach (var id in ids)
        {
            await Stations.PublishAsync(publisher, id, Stations.Snapshot(id, 1));
        }

        await Eventually.GetAsync(() => Task.FromResult(silo.Metrics.Accepted), n => n == ids.Count);
        store.Down = true;

        // About 400 bytes a message: 300 of them are several times the 20,000-byte budget.
        const int perStation = 30;
        for (var seq = 2; seq <= perStation; seq++)
        {
            foreach (var id in ids)
            {
                await Stations.PublishAsync(publisher, id, Stations.Snapshot(id, seq));
            }
        }

        var total = ids.Count * perStation;
        await Eventually.GetAsync(() => Task.FromResult(silo.Metrics.Refused), n => n > 0);
        Assert.True(budget.IsExceeded);

        // Refused, not dropped and not acknowledged: the bridge holds what it took from the broker, the rest waits there.
        Assert.True(silo.Metrics.Accepted < total, $"all {total} applied past a 20,000-byte budget");
        Assert.True(silo.Metrics.InFlight > 0, "nothing held unacknowledged while refusing");
        Assert.True(silo.Metrics.RefusedByReason.ContainsKey("unarchived_budget"));

        store.Down = false;
        await Eventually.GetAsync(() => Task.FromResult(silo.Metrics.Accepted), n => n == total, TimeSpan.FromMinutes(1));
        Assert.Equal(((long)total, 0L), (silo.Metrics.Accepted, silo.Metrics.Duplicates));
        foreach (var id in ids)
        {
            var view = await silo.GetJsonAsync($"/stations/{id}");
            Assert.Equal(((long)perStation, (long)perStation), (view.GetProperty("seq").GetInt64(), view.GetProperty("counters").GetProperty("messages").GetInt64()));
        }

        await publisher.DisconnectAsync();
        await silo.StopAsync();
        var archived = await ArchiveContents.TelemetryAsync(store);
        Assert.Equal(total, archived.Count);
        Assert.Equal(total, archived.Distinct().Count());
    }
}
