using EvSwap.Testing;

namespace EvSwap.Simulator.Tests;

/// <summary>Simulated stations that honour commands and riders who reserve first, against the real silo, then --verify.</summary>
public class SimulatorDownlinkEndToEndTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [Fact]
    public async Task Reservations_are_fulfilled_expired_or_failed_as_the_stations_and_riders_behaved()
    {
        var archive = Path.Combine(Path.GetTempPath(), "evswap-sim-dl-" + Guid.NewGuid().ToString("N"));
        var apiPort = FreePort.Next();
        var mqttPort = FreePort.Next();
        await using var silo = EvSwap.Silo.SiloApp.Build(
        [
            $"--urls=http://127.0.0.1:{apiPort}",
            $"--Mqtt:Port={mqttPort}",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            $"--Archive:Path={archive}",
            $"--IngestLog:Path={archive}-log",
            $"--Ledger:Batteries:Path={archive}-batteries",
            "--Logging:LogLevel:Default=Warning",
            // Silent stations fail their reservations after this; the run waits for it.
            "--Downlink:ReservationConfirmTimeout=00:00:03",
            "--RateLimit:PermitsPerSecond=1000",
            "--RateLimit:Burst=2000",
        ]);
        await silo.StartAsync();
        try
        {
            var output = new StringWriter();
            var exit = await SimulatorApp.RunAsync(new SimulatorOptions
            {
                BrokerPort = mqttPort,
                Stations = 20,
                Slots = 8,
                Connections = 2,
                Interval = TimeSpan.FromSeconds(1),
                Duration = TimeSpan.FromSeconds(8),
                SwapsPerHour = 120,
                Downlink = true,
                CommandFailures = 0.1,
                CommandSilence = 0.1,
                ReservationsPerHour = 900,
                ReservationTtl = TimeSpan.FromSeconds(6),
                NoShows = 0.3,
                VerifyUrl = $"http://127.0.0.1:{apiPort}",
                Quiet = true,
            }, output, CancellationToken.None);

            var text = output.ToString();
            log.WriteLine(text);
            Assert.True(exit == 0, text);
            Assert.Contains("verify: OK - 20 stations", text);
            Assert.Contains("verify reservations: OK", text);

            // Every outcome happened, so each rule was checked at least once.
            foreach (var outcome in new[] { "Fulfilled", "Expired", "Failed" })
            {
                Assert.Matches($@"[1-9]\d* {outcome}", text);
            }
        }
        finally
        {
            await silo.StopAsync();
            Directory.Delete(archive, recursive: true);
        }
    }
}
