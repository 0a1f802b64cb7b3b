using System.Text.Json;
using EvSwap.Testing;
using Microsoft.AspNetCore.Builder;

namespace EvSwap.Simulator.Tests;

/// <summary>A CI-sized run: the real silo on free ports, a few hundred simulated stations, then --verify.</summary>
public class SimulatorVerifyEndToEndTests
{
    /// <summary>The real silo (embedded broker, memory storage, file archive) on free loopback ports.</summary>
    private static async Task<(WebApplication Silo, string Archive, int ApiPort, int MqttPort)> StartSiloAsync(params string[] extraArgs)
    {
        var archive = Path.Combine(Path.GetTempPath(), "evswap-sim-" + Guid.NewGuid().ToString("N"));
        var apiPort = FreePort.Next();
        var mqttPort = FreePort.Next();
        var silo = EvSwap.Silo.SiloApp.Build(
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
        ]);
        await silo.StartAsync();
        return (silo, archive, apiPort, mqttPort);
    }

    /// <remarks>
    /// Late messages carry swaps and faults as often as any other (busy stations, many faults), and redelivered copies
    /// and late messages go over any of four connections. Small batches put a station's messages in several archive
    /// objects, and reboots give every station several boots.
    /// </remarks>
    [Fact]
    public async Task Late_and_redelivered_messages_over_several_connections_are_archived_once_and_their_swaps_counted_once()
    {
        var (silo, archive, apiPort, mqttPort) = await StartSiloAsync("--Archive:MaxBatchMessages=5");
        await using var _ = silo;
        var summaryFile = Path.Combine(archive, "..", Path.GetFileName(archive) + ".summary.json");
        try
        {
            var output = new StringWriter();
            var exit = await SimulatorApp.RunAsync(new SimulatorOptions
            {
                BrokerPort = mqttPort,
                Stations = 300,
                Connections = 4,
                Interval = TimeSpan.FromSeconds(1),
                Duration = TimeSpan.FromSeconds(5),
                Duplicates = 0.05,
                Reorder = 0.1,
                SwapsPerHour = 600,
                // Rides short enough that swapped-out batteries come back, at other stations, within the run.
                Ride = TimeSpan.FromSeconds(1),
                FaultsPerSlotPerDay = 200,
                RebootsPerDay = 2000,
                SummaryJson = summaryFile,
                VerifyUrl = $"http://127.0.0.1:{apiPort}",
                Quiet = true,
            }, output, CancellationToken.None);

            Assert.True(exit == 0, output.ToString());
            Assert.Contains("verify: OK - 300 stations", output.ToString());
            var summary = JsonSerializer.Deserialize(await File.ReadAllTextAsync(summaryFile), SimulatorJsonContext.Default.RunSummary)!;
            Assert.True(summary.LateMessages > 0 && summary.ExpectedDuplicates > 0, output.ToString());

            // The API merges archive and buffer by (boot, seq), which would hide a message stored twice: after the
            // shutdown flush, the objects themselves hold every message exactly once.
            await silo.StopAsync();
            var archived = await ArchiveContents.TelemetryAsync(archive);
            Assert.Empty(archived.GroupBy(m => m).Where(g => g.Count() > 1).Select(g => g.Key));
            Assert.Equal(summary.ExpectedAccepted, archived.Count);
        }
        finally
        {
            await silo.StopAsync();
            Directory.Delete(archive, recursive: true);
            File.Delete(summaryFile);
        }
    }

    [Fact]
    public async Task A_continued_fleet_keeps_its_boots_and_carries_seq_on_so_every_message_of_both_runs_is_accepted()
    {
        var (silo, archive, apiPort, mqttPort) = await StartSiloAsync();
        await using var _ = silo;
        try
        {
            var runStart = DateTimeOffset.UtcNow;
            var fleet = new FleetRunner(new SimulatorOptions { BrokerPort = mqttPort, Stations = 40, RebootsPerDay = 0, DropoutsPerDay = 0, Quiet = true }, TextWriter.Null);
            var first = await fleet.ContinueAsync(rate: 80, TimeSpan.FromSeconds(2), CancellationToken.None);
            var boots = fleet.Tallies.ToDictionary(t => t.Key, t => t.Value.Boot);
            var second = await fleet.ContinueAsync(rate: 160, TimeSpan.FromSeconds(2), CancellationToken.None);

            // Each run reports its own count; the second one ran at twice the rate.
            Assert.True(second.Published > first.Published, $"{first.Published} then {second.Published}");
            Assert.Equal(boots, fleet.Tallies.ToDictionary(t => t.Key, t => t.Value.Boot));
            Assert.Equal(first.Published + second.Published, fleet.Tallies.Values.Sum(t => t.Messages));

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
            var output = new StringWriter();
            var none = fleet.Tallies.Keys.ToDictionary(id => id, _ => PlatformCounters.None);
            var problems = await new Verifier(http, output).VerifyAsync(fleet.Tallies, none, runStart, CancellationToken.None);
            Assert.True(problems.Count == 0, output.ToString());
        }
        finally
        {
            await silo.StopAsync();
            Directory.Delete(archive, recursive: true);
        }
    }
}
