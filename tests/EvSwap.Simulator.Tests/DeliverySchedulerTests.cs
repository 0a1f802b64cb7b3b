using EvSwap.Contracts;

namespace EvSwap.Simulator.Tests;

public class DeliverySchedulerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 7, 0, 0, TimeSpan.Zero);

    /// <summary>A station's messages: every one carries a swap, every third a fault as well; a reboot every <paramref name="rebootEvery"/>.</summary>
    private static IEnumerable<TelemetryMessage> Messages(string id, int count, int rebootEvery = int.MaxValue)
    {
        long boot = 7, seq = 0;
        for (var i = 0; i < count; i++)
        {
            if (i > 0 && i % rebootEvery == 0)
            {
                (boot, seq) = (boot + 1, 0);
            }

            List<StationEvent> events = [new StationEvent { Type = EventTypes.Swap, At = Start, SlotIn = 1, BatteryIn = "bat-000001", SlotOut = 2, BatteryOut = "bat-000002" }];
            if (i % 3 == 0)
            {
                events.Add(new StationEvent { Type = EventTypes.Fault, At = Start, Slot = 3, Code = "OVERTEMP" });
            }

            yield return new TelemetryMessage { Schema = TelemetryMessage.SchemaV1, StationId = id, Boot = boot, Seq = seq++, Ts = Start.AddSeconds(i), Events = events };
        }
    }

    /// <summary>Feeds the stations' messages round-robin, as the fleet runner steps them, and flushes at the end.</summary>
    private static List<Delivery> Schedule(DeliveryScheduler scheduler, params List<TelemetryMessage>[] stations) => Schedule(scheduler, flush: true, stations);

    private static List<Delivery> Schedule(DeliveryScheduler scheduler, bool flush, params List<TelemetryMessage>[] stations)
    {
        var deliveries = new List<Delivery>();
        for (var step = 0; step < stations.Max(s => s.Count); step++)
        {
            for (var i = 0; i < stations.Length; i++)
            {
                if (step < stations[i].Count)
                {
                    scheduler.Next(i, stations[i][step], [], deliveries);
                }
            }
        }

        if (flush)
        {
            scheduler.Flush(deliveries);
        }

        return deliveries;
    }

    private static (long, long) Key(Delivery d) => (d.Message.Boot, d.Message.Seq);

    [Fact]
    public void Messages_carrying_swaps_and_faults_are_sent_after_newer_ones()
    {
        var deliveries = Schedule(new DeliveryScheduler(1, 1, 0, 0.2, seed: 1), [.. Messages("st-a", 500)]);

        var late = deliveries.Where((d, i) => !d.IsCopy && deliveries.Take(i).Any(e => !e.IsCopy && Key(e).CompareTo(Key(d)) > 0)).ToList();
        Assert.Contains(late, d => d.Message.Events!.Any(e => e.Type == EventTypes.Swap));
        Assert.Contains(late, d => d.Message.Events!.Any(e => e.Type == EventTypes.Fault));
        Assert.All(late, d => Assert.True(d.IsLate));
        Assert.InRange(late.Count, 50, 150);
    }

    [Fact]
    public void Every_message_goes_out_once_as_an_original_whatever_is_held_or_copied()
    {
        var produced = Messages("st-a", 1000, rebootEvery: 37).ToList();

        var deliveries = Schedule(new DeliveryScheduler(1, 4, 0.1, 0.1, seed: 2), produced);

        Assert.Equal(produced.Select(m => (m.Boot, m.Seq)), deliveries.Where(d => !d.IsCopy).Select(Key).Order());
        var copies = deliveries.Where(d => d.IsCopy).ToList();
        Assert.InRange(copies.Count, 50, 150);
        Assert.All(copies, c => Assert.Single(deliveries, d => !d.IsCopy && Key(d) == Key(c)));
    }

    [Fact]
    public void A_late_message_follows_one_to_three_newer_messages_sent_on_time()
    {
        var deliveries = Schedule(new DeliveryScheduler(1, 1, 0.1, 0.3, seed: 3), [.. Messages("st-a", 1000)]);

        var late = 0;
        for (var i = 0; i < deliveries.Count; i++)
        {
            if (deliveries[i].IsLate && !deliveries[i].IsCopy)
            {
                late++;
                var newer = deliveries.Take(i).Count(e => !e.IsCopy && !e.IsLate && Key(e).CompareTo(Key(deliveries[i])) > 0);
                Assert.InRange(newer, 1, DeliveryScheduler.MaxLag);
            }
        }

        Assert.True(late > 100, $"{late} late messages");
    }

    [Fact]
    public void Copies_are_sent_right_away_or_after_newer_messages()
    {
        var deliveries = Schedule(new DeliveryScheduler(1, 1, 0.3, 0, seed: 4), [.. Messages("st-a", 1000)]);

        var copies = deliveries.Select((d, i) => (d, i)).Where(x => x.d.IsCopy).ToList();
        Assert.Contains(copies, x => deliveries[x.i - 1].IsCopy == false && Key(deliveries[x.i - 1]) == Key(x.d));
        Assert.Contains(copies, x => x.d.IsLate && Key(deliveries[x.i - 1]).CompareTo(Key(x.d)) > 0);
    }

    [Fact]
    public void Reordering_stays_within_a_boot()
    {
        var deliveries = Schedule(new DeliveryScheduler(1, 1, 0.2, 0.3, seed: 5), [.. Messages("st-a", 1000, rebootEvery: 7)]);

        var newestBoot = long.MinValue;
        foreach (var d in deliveries)
        {
            Assert.True(d.Message.Boot >= newestBoot, $"boot {d.Message.Boot} sent after boot {newestBoot}");
            newestBoot = d.Message.Boot;
        }

        Assert.Contains(deliveries, d => d.IsLate && !d.IsCopy);
    }

    [Fact]
    public void Copies_and_late_messages_go_over_other_connections_while_on_time_ones_stay_on_the_stations_own()
    {
        var scheduler = new DeliveryScheduler(8, 4, 0.2, 0.2, seed: 6);
        var stations = Enumerable.Range(0, 8).Select(i => Messages($"st-{i}", 200).ToList()).ToArray();

        // Before the final flush: what is still held then goes out not overtaken, so not late, yet on the connection drawn for it.
        var deliveries = Schedule(scheduler, flush: false, stations);

        int Home(Delivery d) => scheduler.HomeConnection(int.Parse(d.Message.StationId!["st-".Length..]));
        Assert.All(deliveries.Where(d => !d.IsCopy && !d.IsLate), d => Assert.Equal(Home(d), d.Connection));
        Assert.Contains(deliveries, d => d.IsCopy && d.Connection != Home(d));
        Assert.Contains(deliveries, d => d.IsLate && !d.IsCopy && d.Connection != Home(d));
        Assert.Equal(Enumerable.Range(0, 4), deliveries.Select(d => d.Connection).Distinct().Order());
    }

    [Fact]
    public void With_one_connection_everything_goes_over_it()
    {
        var deliveries = Schedule(new DeliveryScheduler(3, 1, 0.2, 0.2, seed: 7), [.. Enumerable.Range(0, 3).Select(i => Messages($"st-{i}", 200).ToList())]);

        Assert.All(deliveries, d => Assert.Equal(0, d.Connection));
    }

    [Fact]
    public void The_same_seed_gives_the_same_deliveries_and_another_seed_others()
    {
        List<(string?, long, long, int, bool, bool)> Run(int seed) =>
            [.. Schedule(new DeliveryScheduler(3, 2, 0.1, 0.1, seed), [.. Enumerable.Range(0, 3).Select(i => Messages($"st-{i}", 300, rebootEvery: 50).ToList())])
                .Select(d => (d.Message.StationId, d.Message.Boot, d.Message.Seq, d.Connection, d.IsCopy, d.IsLate))];

        Assert.Equal(Run(11), Run(11));
        Assert.NotEqual(Run(11), Run(12));
    }

    [Fact]
    public void A_stations_deliveries_do_not_depend_on_the_other_stations()
    {
        var alone = Schedule(new DeliveryScheduler(2, 2, 0.1, 0.1, seed: 8), [.. Messages("st-0", 300)], []);
        var together = Schedule(new DeliveryScheduler(2, 2, 0.1, 0.1, seed: 8), [.. Messages("st-0", 300)], [.. Messages("st-1", 300)]);

        Assert.Equal(
            alone.Select(d => (Key(d), d.Connection, d.IsCopy, d.IsLate)),
            together.Where(d => d.Message.StationId == "st-0").Select(d => (Key(d), d.Connection, d.IsCopy, d.IsLate)));
    }

    [Fact]
    public void Without_reorder_and_duplicates_messages_go_out_in_order_on_the_stations_own_connection()
    {
        var produced = Messages("st-a", 300, rebootEvery: 40).ToList();

        var deliveries = Schedule(new DeliveryScheduler(1, 4, 0, 0, seed: 9), produced);

        Assert.Equal(produced.Select(m => (m.Boot, m.Seq)), deliveries.Select(Key));
        Assert.All(deliveries, d => Assert.False(d.IsCopy || d.IsLate || d.Connection != 0));
    }
}
