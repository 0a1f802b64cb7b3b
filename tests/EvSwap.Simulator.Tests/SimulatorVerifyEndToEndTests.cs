using System.Text.Json;
using EvSwap.Testing;

namespace EvSwap.Simulator.Tests;

/// <summary>A CI-sized run: the real silo on free ports, a few hundred simulated stations, then --verify.</summary>
public class SimulatorVerifyEndToEndTests
{
    /// <remarks>
    /// Late messages carry swaps and faults as often as any other (busy stations, many faults), and redelivered copies
    /// and late messages go over any of four connections. Small batches put a station's messages in several archive
    /// objects, and reboots give every station several boots.
    /// </remarks>
    [Fact]
    public async Task Late_and_redelivered_messages_over_several_connections_are_archived_once_and_their_swaps_counted_once()
    {
        await using var silo = await TestSilo.StartAsync("--Archive:MaxBatchMessages=5");
        var summaryFile = silo.ArchivePath + ".summary.json";
        try
        {
            var output = new StringWriter();
            var exit = await SimulatorApp.RunAsync(new SimulatorOptions
            {
                BrokerPort = silo.MqttPort,
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
                VerifyUrl = ApiUrl(silo),
                Quiet = true,
            }, output, CancellationToken.None);

            Assert.True(exit == 0, output.ToString());
            Assert.Contains("verify: OK - 300 stations", output.ToString());
            var summary = JsonSerializer.Deserialize(await File.ReadAllTextAsync(summaryFile), SimulatorJsonContext.Default.RunSummary)!;
            Assert.True(summary.LateMessages > 0 && summary.ExpectedDuplicates > 0, output.ToString());

            // The API merges archive and buffer by (boot, seq), which would hide a message stored twice: after the
            // shutdown flush, the objects themselves hold every message exactly once.
            await silo.StopAsync();
            var archived = await silo.ReadArchivedTelemetryAsync();
            Assert.Empty(archived.GroupBy(m => m).Where(g => g.Count() > 1).Select(g => g.Key));
            Assert.Equal(summary.ExpectedAccepted, archived.Count);
        }
        finally
        {
            File.Delete(summaryFile);
        }
    }

    [Fact]
    public async Task A_continued_fleet_keeps_its_boots_and_carries_seq_on_so_every_message_of_both_runs_is_accepted()
    {
        await using var silo = await TestSilo.StartAsync();
        var runStart = DateTimeOffset.UtcNow;
        var fleet = new FleetRunner(new SimulatorOptions { BrokerPort = silo.MqttPort, Stations = 40, RebootsPerDay = 0, DropoutsPerDay = 0, Quiet = true }, TextWriter.Null);
        var first = await fleet.ContinueAsync(rate: 80, TimeSpan.FromSeconds(2), CancellationToken.None);
        var boots = fleet.Tallies.ToDictionary(t => t.Key, t => t.Value.Boot);
        var second = await fleet.ContinueAsync(rate: 160, TimeSpan.FromSeconds(2), CancellationToken.None);

        // Each run reports its own count; the second one ran at twice the rate.
        Assert.True(second.Published > first.Published, $"{first.Published} then {second.Published}");
        Assert.Equal(boots, fleet.Tallies.ToDictionary(t => t.Key, t => t.Value.Boot));
        Assert.Equal(first.Published + second.Published, fleet.Tallies.Values.Sum(t => t.Messages));

        var output = new StringWriter();
        var none = fleet.Tallies.Keys.ToDictionary(id => id, _ => PlatformCounters.None);
        var problems = await new Verifier(silo.Http, output).VerifyAsync(fleet.Tallies, none, runStart, CancellationToken.None);
        Assert.True(problems.Count == 0, output.ToString());
    }

    private static string ApiUrl(TestSilo silo) => silo.Http.BaseAddress!.ToString().TrimEnd('/');
}
