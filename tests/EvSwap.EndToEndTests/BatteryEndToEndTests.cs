using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Xunit.Abstractions;

namespace EvSwap.EndToEndTests;

/// <summary>A battery published over MQTT by two stations is found, followed and described by the /batteries API, across a restart.</summary>
public class BatteryEndToEndTests(ITestOutputHelper output)
{
    private static byte[] Snapshot(string stationId, long seq, IReadOnlyList<SlotReading> slots, IReadOnlyList<StationEvent>? events = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new TelemetryMessage
        {
            Schema = TelemetryMessage.SchemaV1, StationId = stationId, Boot = 1, Seq = seq, Ts = DateTimeOffset.UtcNow, Slots = slots, Events = events,
        }, TelemetryJsonContext.Default.TelemetryMessage);

    private static SlotReading Held(int slot, string battery, double soh = 93.5) =>
        new() { Slot = slot, State = SlotStates.Charging, BatteryId = battery, SocPct = 70, SohPct = soh, Cycles = 321, TempC = 30 };

    private static SlotReading Empty(int slot) => new() { Slot = slot, State = SlotStates.Empty };

    [Fact]
    public async Task A_battery_swapped_at_one_station_and_docked_at_another_is_served_by_the_battery_endpoints_and_survives_a_restart()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (a, b, battery, other) = ($"e2e-bat-a-{suffix}", $"e2e-bat-b-{suffix}", $"bat-e2e-{suffix}", $"bat-e2e-o-{suffix}");
        var store = Path.Combine(Path.GetTempPath(), "evswap-e2e-batteries-" + suffix);
        await using (var silo = await TestSilo.StartAsync($"--Ledger:Batteries:Path={store}"))
        {
            using var calls = new MetricCollector<long>(silo.Services.GetRequiredService<IMeterFactory>(), BatteryMetrics.MeterName, "evswap.battery.calls");
            using var indexDockings = new MetricCollector<long>(silo.Services.GetRequiredService<IMeterFactory>(), BatteryMetrics.MeterName, "evswap.battery.index_dockings");
            using var client = await silo.ConnectPublisherAsync("e2e-batteries");
            var slotsA = Enumerable.Range(2, 7).Select(i => Held(i, $"bat-e2e-{suffix}-{i}")).Prepend(Held(1, battery)).ToList();
            const int quiet = 100;
            for (var seq = 1; seq <= quiet; seq++)
            {
                await TestSilo.PublishAsync(client, TelemetryTopic.For(a), Snapshot(a, seq, slotsA));
            }

            var swapOut = new StationEvent { Type = EventTypes.Swap, At = DateTimeOffset.UtcNow, SlotIn = 1, BatteryIn = other, SlotOut = 1, BatteryOut = battery };
            await TestSilo.PublishAsync(client, TelemetryTopic.For(a), Snapshot(a, quiet + 1, [Held(1, other), .. slotsA.Skip(1)], [swapOut]));
            var leaving = $"bat-e2e-b1-{suffix}";
            await TestSilo.PublishAsync(client, TelemetryTopic.For(b), Snapshot(b, 1, [Held(1, leaving), Empty(2)]));
            var swapIn = new StationEvent { Type = EventTypes.Swap, At = DateTimeOffset.UtcNow, SlotIn = 2, BatteryIn = battery, SlotOut = 1, BatteryOut = leaving };
            await TestSilo.PublishAsync(client, TelemetryTopic.For(b), Snapshot(b, 2, [Empty(1), Held(2, battery, soh: 93.0)], [swapIn]));
            // A redelivery, as after a reconnect.
            await TestSilo.PublishAsync(client, TelemetryTopic.For(b), Snapshot(b, 2, [Empty(1), Held(2, battery, soh: 93.0)], [swapIn]));

            // Stations A and B are separate grains, so the docking at B may reach the battery before the swap out at A; the
            // battery files each event by station time, and the view is complete once all three are in.
            var view = await Eventually.GetAsync(() => silo.GetJsonAsync($"/batteries/{battery}"),
                j => j.GetProperty("custody").GetProperty("stationId").GetString() == b && j.GetProperty("eventsApplied").GetInt32() >= 3);
            Assert.Equal(("in-station", 2, 3), (view.GetProperty("custody").GetProperty("status").GetString(), view.GetProperty("custody").GetProperty("slot").GetInt32(), view.GetProperty("eventsApplied").GetInt32()));
            Assert.Equal(93.0, view.GetProperty("latest").GetProperty("sohPct").GetDouble());

            // 104 messages (100 unchanged snapshots of 8 batteries) cost two battery grain calls per swap (2 swaps) and none for
            // the 9 batteries first found in a slot (8 at A, 1 at B): their index shards took those dockings. None for a
            // snapshot that changed nothing, none for the redelivery.
            var batteryCalls = await Eventually.GetAsync(() => Task.FromResult(calls.GetMeasurementSnapshot().EvaluateAsCounter()), c => c >= 4);
            var indexed = await Eventually.GetAsync(() => Task.FromResult(indexDockings.GetMeasurementSnapshot().EvaluateAsCounter()), c => c >= 9);
            output.WriteLine($"messages {quiet + 4}, battery grain calls {batteryCalls}, dockings taken by the index {indexed}");
            Assert.Equal((4, 9), (batteryCalls, indexed));

            var history = new List<string>();
            string? cursor = null;
            do
            {
                var page = await silo.GetJsonAsync($"/batteries/{battery}/history?limit=1" + (cursor is null ? "" : $"&cursor={cursor}"));
                history.AddRange(page.GetProperty("items").EnumerateArray().Select(i => $"{i.GetProperty("kind").GetString()}@{i.GetProperty("stationId").GetString()}"));
                cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            }
            while (cursor is not null);
            Assert.Equal([$"docked@{a}", $"swapped-out@{a}", $"docked@{b}"], history);

            // Each battery pushes its own index update, so the one that left B may still be listed there for a moment.
            static IEnumerable<string?> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("batteryId").GetString());
            var atB = await Eventually.GetAsync(() => silo.GetJsonAsync($"/batteries?station={b}"), j => Ids(j).SequenceEqual([battery]));
            Assert.Equal([battery], Ids(atB));
            var worn = await silo.GetJsonAsync("/batteries?sohBelow=93.2&limit=1000");
            Assert.Contains(battery, worn.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("batteryId").GetString()));
            Assert.DoesNotContain($"bat-e2e-{suffix}-2", worn.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("batteryId").GetString()));

            var passport = await silo.GetJsonAsync($"/batteries/{battery}/passport");
            Assert.Equal((93.0, 7.0, 321), (passport.GetProperty("stateOfHealthPct").GetDouble(), passport.GetProperty("capacityFadePct").GetDouble(), passport.GetProperty("fullCycles").GetInt32()));

            Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/batteries/bat-never-seen")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/batteries/bat-never-seen/passport")).StatusCode);
            foreach (var (path, parameter) in new[] { ("/batteries?status=parked", "status"), ("/batteries?sohBelow=high", "sohBelow"), ("/batteries?anomaly=odd", "anomaly"), ($"/batteries/{battery}/history?limit=0", "limit"), ($"/batteries/{battery}/history?cursor=%21%21", "cursor") })
            {
                using var bad = await silo.Http.GetAsync(path);
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
                Assert.Equal(parameter, (await JsonDocument.ParseAsync(await bad.Content.ReadAsStreamAsync())).RootElement.GetProperty("parameter").GetString());
            }
        }

        // A new process with the same battery store knows the battery and where it is.
        await using var restarted = await TestSilo.StartAsync($"--Ledger:Batteries:Path={store}");
        var again = await restarted.GetJsonAsync($"/batteries/{battery}");
        Assert.Equal((b, 3), (again.GetProperty("custody").GetProperty("stationId").GetString(), again.GetProperty("eventsApplied").GetInt32()));
        var listed = await restarted.GetJsonAsync($"/batteries?station={b}");
        Assert.Equal([battery], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("batteryId").GetString()));
    }
}
