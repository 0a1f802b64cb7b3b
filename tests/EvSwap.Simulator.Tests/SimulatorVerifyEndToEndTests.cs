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
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ]);
        await silo.StartAsync();
        return (silo, archive, apiPort, mqttPort);
    }

    [Fact]
    public async Task A_short_run_with_redeliveries_and_reordering_verifies_against_the_platform()
    {
        var (silo, archive, apiPort, mqttPort) = await StartSiloAsync("--Archive:MaxBatchMessages=5");
        await using var _ = silo;
        try
        {
            var output = new StringWriter();
            var exit = await SimulatorApp.RunAsync(new SimulatorOptions
            {
                BrokerPort = mqttPort,
                Stations = 300,
                Interval = TimeSpan.FromSeconds(1),
                Duration = TimeSpan.FromSeconds(5),
                Duplicates = 0.05,
                Reorder = 0.05,
                SwapsPerHour = 600,
                RebootsPerDay = 2000,
                VerifyUrl = $"http://127.0.0.1:{apiPort}",
                Quiet = true,
            }, output, CancellationToken.None);

            Assert.True(exit == 0, output.ToString());
            Assert.Contains("verify: OK - 300 stations", output.ToString());
        }
        finally
        {
            await silo.StopAsync();
            Directory.Delete(archive, recursive: true);
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
            Assert.Equal(first.Published + second.Published, fleet.Tallies.Values.Sum(t => t.Accepted));

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
            var output = new StringWriter();
            var none = fleet.Tallies.Keys.ToDictionary(id => id, _ => new Verifier.Counters(false, 0, 0, 0, 0, 0));
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
