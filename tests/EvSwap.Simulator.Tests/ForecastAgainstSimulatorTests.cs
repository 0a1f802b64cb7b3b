using System.Diagnostics.Metrics;
using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EvSwap.Simulator.Tests;

/// <summary>The availability forecast made from a simulated station's snapshots, against what that station then did.</summary>
public class ForecastAgainstSimulatorTests
{
    [Theory]
    [InlineData(42, 15)]
    [InlineData(7, 30)]
    [InlineData(2026, 60)]
    public void The_forecast_of_charged_batteries_matches_what_the_simulated_station_has_at_the_horizon(int seed, int horizonMinutes)
    {
        var stationOptions = new StationOptions();
        var downlink = new StationDownlink("st-f", new DownlinkState(), new DownlinkContext(
            new ServiceCollection().BuildServiceProvider(), Options.Create(new DownlinkOptions()), Options.Create(stationOptions), TimeProvider.System,
            new DownlinkMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()), NullLogger<DownlinkContext>.Instance));
        var state = new StationState();
        var profile = new StationProfile { Slots = 16, SwapsPerHour = 0, FaultsPerSlotPerDay = 0, RebootsPerDay = 0, DropoutsPerDay = 0 };
        var sim = new SimulatedStation("st-f", 0, profile, new BatteryPool(), seed, boot: 1);
        var step = TimeSpan.FromSeconds(10);
        var now = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        TelemetryMessage last = null!;
        for (var i = 0; i < 30; i++, now += step)
        {
            last = sim.Step(now, step)!;
            StationModel.Apply(state, last, JsonSerializer.SerializeToUtf8Bytes(last, TelemetryJsonContext.Default.TelemetryMessage), now, stationOptions);
            downlink.OnTelemetry(last, newest: true, now);
        }

        var horizon = TimeSpan.FromMinutes(horizonMinutes);
        var forecastAt = last.Ts;
        var forecast = downlink.Forecast(StationModel.LatestSlots(state), horizon, forecastAt);
        while (now <= forecastAt + horizon)
        {
            last = sim.Step(now, step)!;
            now += step;
        }

        // What the platform calls charged: a battery at or above Station:ChargedSocPct, whatever the station labels it.
        var actual = last.Slots!.Count(s => s.SocPct >= stationOptions.ChargedSocPct);
        var predicted = forecast.AvailableNow + forecast.ChargedBy;
        Assert.True(Math.Abs(predicted - actual) <= 1,
            $"forecast {predicted} ({forecast.AvailableNow} now + {forecast.ChargedBy} charging) in {horizon}, the station had {actual}; slots: " +
            string.Join(", ", forecast.Slots.Select(s => $"{s.Slot}: {s.SocPct}% at {s.PctPerMinute:0.###}/min by {s.ChargedAt:HH:mm:ss}")));
    }
}
