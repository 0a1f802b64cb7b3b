using EvSwap.Testing;

namespace EvSwap.Simulator.Tests;

/// <summary>Simulated stations that honour commands and riders who reserve first, against the real silo, then --verify.</summary>
public class SimulatorDownlinkEndToEndTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [Fact]
    public async Task Reservations_are_fulfilled_expired_or_failed_as_the_stations_and_riders_behaved()
    {
        await using var silo = await TestSilo.StartAsync(
            // Silent stations fail their reservations after this; the run waits for it.
            "--Downlink:ReservationConfirmTimeout=00:00:03",
            "--RateLimit:PermitsPerSecond=1000",
            "--RateLimit:Burst=2000");
        var output = new StringWriter();
        var exit = await SimulatorApp.RunAsync(new SimulatorOptions
        {
            BrokerPort = silo.MqttPort,
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
            VerifyUrl = silo.Http.BaseAddress!.ToString().TrimEnd('/'),
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
}
