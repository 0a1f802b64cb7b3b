using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Simulator;

namespace EvSwap.Simulator.Tests;

public class StationModelTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 7, 0, 0, TimeSpan.Zero);

    private static List<TelemetryMessage> Run(SimulatedStation station, int steps, TimeSpan? dt = null)
    {
        var step = dt ?? TimeSpan.FromSeconds(5);
        return Enumerable.Range(0, steps).Select(i => station.Step(Start + step * i, step)).OfType<TelemetryMessage>().ToList();
    }

    private static SimulatedStation Station(StationProfile? profile = null, int seed = 7, int index = 0, BatteryPool? pool = null) =>
        new("st-1", index, profile ?? new StationProfile(), pool ?? new BatteryPool(), seed, boot: 100);

    [Fact]
    public void Swaps_keep_the_number_of_batteries_in_the_station()
    {
        var station = Station(new StationProfile { SwapsPerHour = 120, FaultsPerSlotPerDay = 0, RebootsPerDay = 0, DropoutsPerDay = 0 });
        var before = station.BatteryCount;

        var messages = Run(station, 2000);

        // Charging time limits swaps (a battery needs ~2 h to refill), so far fewer than 120/h happen.
        Assert.True(messages.Sum(m => m.Events?.Count(e => e.Type == EventTypes.Swap) ?? 0) > 10);
        Assert.Equal(before, station.BatteryCount);
        Assert.All(messages, m => Assert.Equal(before, m.Slots!.Count(s => s.BatteryId is not null)));
    }

    [Fact]
    public void A_swap_hands_out_the_fullest_ready_battery_and_leaves_the_returned_one_charging()
    {
        var station = Station(new StationProfile { SwapsPerHour = 60, FaultsPerSlotPerDay = 0, RebootsPerDay = 0, DropoutsPerDay = 0 });
        TelemetryMessage? previous = null;
        foreach (var message in Run(station, 3000))
        {
            var takenThisStep = new HashSet<string>();
            foreach (var swap in message.Events?.Where(e => e.Type == EventTypes.Swap) ?? [])
            {
                Assert.NotEqual(swap.BatteryIn, swap.BatteryOut);
                if (previous is not null)
                {
                    // The leaving battery was the fullest ready one in the cabinet one step earlier, among those an
                    // earlier swap of the same step did not already take (it may have finished charging during
                    // the step, so it need not have been ready then).
                    var leaving = previous.Slots!.Single(s => s.BatteryId == swap.BatteryOut);
                    Assert.Equal(swap.SlotOut, leaving.Slot);
                    var fullestLeft = previous.Slots!.Where(s => s.State == SlotStates.Ready && !takenThisStep.Contains(s.BatteryId!)).Select(s => s.SocPct).DefaultIfEmpty(0).Max();
                    // A cell is topped up to 100 % once it reaches 99.5 %, so within one step it can gain up to 0.5 points.
                    Assert.True(leaving.SocPct + 0.5 >= fullestLeft, $"seq {message.Seq}: {swap.BatteryOut} at {leaving.SocPct} % left while {fullestLeft} % was ready");
                }

                takenThisStep.Add(swap.BatteryOut!);

                var slotIn = message.Slots!.Single(s => s.Slot == swap.SlotIn);
                Assert.Equal(swap.BatteryIn, slotIn.BatteryId);
                Assert.Contains(slotIn.State, new[] { SlotStates.Charging, SlotStates.Fault });
            }

            previous = message;
        }
    }

    [Fact]
    public void State_of_charge_stays_within_bounds_and_charging_follows_a_cc_cv_curve()
    {
        var messages = Run(Station(new StationProfile { SwapsPerHour = 10 }), 3000);

        Assert.All(messages.SelectMany(m => m.Slots!), s => Assert.InRange(s.SocPct ?? 0, 0, 100));
        Assert.All(messages.SelectMany(m => m.Slots!), s => Assert.InRange(s.TempC ?? 20, -60, 150));
        Assert.Contains(messages.SelectMany(m => m.Slots!), s => s.State == SlotStates.Ready);
    }

    [Fact]
    public void Seq_grows_by_one_within_a_boot_and_restarts_from_zero_on_a_reboot()
    {
        var messages = Run(Station(new StationProfile { RebootsPerDay = 2000, DropoutsPerDay = 0 }), 500);

        Assert.Equal(0, messages[0].Seq);
        for (var i = 1; i < messages.Count; i++)
        {
            var (a, b) = (messages[i - 1], messages[i]);
            Assert.True(b.Boot == a.Boot ? b.Seq == a.Seq + 1 : b.Boot == a.Boot + 1 && b.Seq == 0, $"({a.Boot},{a.Seq}) -> ({b.Boot},{b.Seq})");
        }

        Assert.True(messages[^1].Boot > messages[0].Boot);
    }

    [Fact]
    public void The_same_seed_gives_the_same_snapshots()
    {
        string Serialize(int seed) => string.Join("\n", Run(Station(seed: seed), 300).Select(m => JsonSerializer.Serialize(m, TelemetryJsonContext.Default.TelemetryMessage)));

        Assert.Equal(Serialize(11), Serialize(11));
        Assert.NotEqual(Serialize(11), Serialize(12));
    }

    [Fact]
    public void Every_snapshot_passes_the_platform_validator()
    {
        var station = Station(new StationProfile { SwapsPerHour = 60, FaultsPerSlotPerDay = 20, RebootsPerDay = 50 });
        foreach (var message in Run(station, 2000))
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(message, TelemetryJsonContext.Default.TelemetryMessage);
            var result = TelemetryValidator.Parse(TelemetryTopic.For(message.StationId!), payload, message.Ts);
            Assert.True(result.IsValid, string.Join("; ", result.Failures));
        }
    }

    [Fact]
    public void Faults_are_reported_as_events_and_slot_states()
    {
        var messages = Run(Station(new StationProfile { FaultsPerSlotPerDay = 50 }), 2000);

        Assert.Contains(messages, m => m.Events?.Any(e => e.Type == EventTypes.Fault && e.Code is not null) == true);
        Assert.Contains(messages.SelectMany(m => m.Slots!), s => s.State == SlotStates.Fault);
    }

    [Fact]
    public void Batteries_move_between_stations_through_swaps()
    {
        var pool = new BatteryPool();
        var profile = new StationProfile { SwapsPerHour = 120 };
        var a = new SimulatedStation("st-a", 0, profile, pool, 1, 1);
        var b = new SimulatedStation("st-b", 1, profile, pool, 1, 1);
        var fromA = new HashSet<string>();
        var intoB = new HashSet<string>();
        for (var i = 0; i < 3000; i++)
        {
            var t = Start.AddSeconds(5 * i);
            foreach (var e in a.Step(t, TimeSpan.FromSeconds(5))?.Events ?? [])
            {
                if (e.BatteryOut is not null)
                {
                    fromA.Add(e.BatteryOut);
                }
            }

            foreach (var e in b.Step(t, TimeSpan.FromSeconds(5))?.Events ?? [])
            {
                if (e.BatteryIn is not null)
                {
                    intoB.Add(e.BatteryIn);
                }
            }
        }

        Assert.True(fromA.Overlaps(intoB));
    }

    [Fact]
    public void The_daily_profile_peaks_in_the_morning_and_evening()
    {
        double At(int hour) => SimulatedStation.DailyProfile(new DateTimeOffset(2026, 11, 24, hour, 0, 0, TimeSpan.Zero));
        Assert.True(At(8) > 3 * At(3));
        Assert.True(At(18) > 3 * At(13) / 2);
    }
}
