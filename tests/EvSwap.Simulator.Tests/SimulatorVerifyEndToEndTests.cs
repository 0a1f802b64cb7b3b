using EvSwap.Testing;
using Microsoft.AspNetCore.Builder;

namespace EvSwap.Simulator.Tests;

/// <summary>A CI-sized run: the real silo on free ports, a few hundred simulated stations, then --verify.</summary>
public class SimulatorVerifyEndToEndTests
{
    [Fact]
    public async Task A_short_run_with_redeliveries_and_reordering_verifies_against_the_platform()
    {
        var archive = Path.Combine(Path.GetTempPath(), "evswap-sim-" + Guid.NewGuid().ToString("N"));
        var apiPort = FreePort.Next();
        var mqttPort = FreePort.Next();
        await using var silo = EvSwap.Silo.SiloApp.Build(
        [
            $"--urls=http://127.0.0.1:{apiPort}",
            $"--Mqtt:Port={mqttPort}",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            $"--Archive:Path={archive}",
            "--Archive:MaxBatchMessages=5",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await silo.StartAsync();
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
}
