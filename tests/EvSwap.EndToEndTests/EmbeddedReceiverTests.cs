using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EvSwap.Bridge;
using EvSwap.Contracts;
using EvSwap.Testing;
using MQTTnet;
using MQTTnet.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace EvSwap.EndToEndTests;

/// <summary>The local profile's bridge: telemetry taken from the embedded broker in process, nothing else changed.</summary>
public class EmbeddedReceiverTests
{
    private static byte[] Snapshot(string stationId, long seq) => TelemetryBuilder.For(stationId).Seq(seq).Ready(1, "bat-1").Json();

    [Fact]
    public async Task Telemetry_reaches_its_grain_once_while_subscribers_still_receive_it_and_other_topics_are_brokered_as_usual()
    {
        await using var silo = await TestSilo.StartAsync();
        using var watcher = await silo.ConnectPublisherAsync("watcher");
        var seen = new ConcurrentQueue<string>();
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(TelemetryTopic.Filter, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("ops/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        using var publisher = await silo.ConnectPublisherAsync("handoff-publisher");
        await TestSilo.PublishAsync(publisher, TelemetryTopic.For("handoff-1"), Snapshot("handoff-1", 1));
        await TestSilo.PublishAsync(publisher, "ops/notes", Encoding.UTF8.GetBytes("not telemetry"));

        var view = await Eventually.GetAsync(() => silo.GetJsonAsync("/stations/handoff-1"), v => v.GetProperty("seq").GetInt64() == 1);
        Assert.Equal(1, view.GetProperty("counters").GetProperty("messages").GetInt64());
        await Eventually.GetAsync(() => Task.FromResult(seen.Count), n => n == 2);
        Assert.Equal([TelemetryTopic.For("handoff-1"), "ops/notes"], seen.Order());

        // Only telemetry is the bridge's business: the other topic is neither counted nor dead-lettered.
        // (The view can show the message a moment before the bridge counts the grain's answer.)
        var metrics = silo.Metrics;
        await Eventually.GetAsync(() => Task.FromResult(metrics.Accepted), n => n == 1);
        Assert.Equal((1L, 1L, 0L), (metrics.Received, metrics.Accepted, metrics.Rejected));
    }

    [Fact]
    public async Task A_burst_larger_than_the_lanes_waits_for_them_and_every_message_is_applied_in_order()
    {
        // Two messages per lane: the publishers must be held back by the broker, not lose anything.
        await using var silo = await TestSilo.StartAsync("--Mqtt:MaxInFlightPerConnection=2");
        const int stations = 5;
        const int perStation = 300;
        using var publisher = await silo.ConnectPublisherAsync("burst-publisher");
        var publishes = new List<Task>();
        for (var seq = 1; seq <= perStation; seq++)
        {
            for (var s = 0; s < stations; s++)
            {
                publishes.Add(TestSilo.PublishAsync(publisher, TelemetryTopic.For($"burst-{s}"), Snapshot($"burst-{s}", seq)));
            }
        }

        await Task.WhenAll(publishes);
        for (var s = 0; s < stations; s++)
        {
            var view = await Eventually.GetAsync(() => silo.GetJsonAsync($"/stations/burst-{s}"), v => v.GetProperty("seq").GetInt64() == perStation);
            var counters = view.GetProperty("counters");
            Assert.Equal((perStation, 0L), (counters.GetProperty("messages").GetInt64(), counters.GetProperty("duplicates").GetInt64()));
        }
    }

    [Fact]
    public async Task A_station_whose_grain_keeps_failing_holds_up_no_other_station_of_its_lane_and_is_applied_in_order_once_it_recovers()
    {
        var failing = new FailingStationFilter("stuck-1");
        await using var silo = await TestSilo.StartAsync(b => b.Services.AddSingleton<IIncomingGrainCallFilter>(failing));
        var lane = FleetIndex.ShardOf(TelemetryTopic.For("stuck-1"), IngestLanes.LaneCount);
        var mates = Enumerable.Range(0, 1000).Select(i => $"mate-{i}")
            .Where(id => FleetIndex.ShardOf(TelemetryTopic.For(id), IngestLanes.LaneCount) == lane).Take(4).ToList();
        using var publisher = await silo.ConnectPublisherAsync("stuck-publisher");
        for (var seq = 1; seq <= 3; seq++)
        {
            // The stuck station first, so its lane meets its failure before every mate's message.
            await TestSilo.PublishAsync(publisher, TelemetryTopic.For("stuck-1"), Snapshot("stuck-1", seq));
            foreach (var mate in mates)
            {
                await TestSilo.PublishAsync(publisher, TelemetryTopic.For(mate), Snapshot(mate, seq));
            }
        }

        foreach (var mate in mates)
        {
            var view = await Eventually.GetAsync(() => silo.GetJsonAsync($"/stations/{mate}"), v => v.GetProperty("seq").GetInt64() == 3);
            Assert.Equal(3, view.GetProperty("counters").GetProperty("messages").GetInt64());
        }

        // Every mate is applied while the stuck station is still failing (and retried).
        Assert.True(failing.Failed > 0);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await silo.Http.GetAsync("/stations/stuck-1")).StatusCode);

        failing.Recover();
        var stuck = await Eventually.GetAsync(() => silo.GetJsonAsync("/stations/stuck-1"), v => v.GetProperty("counters").GetProperty("messages").GetInt64() == 3);
        Assert.Equal((3L, 3L, 0L), (stuck.GetProperty("seq").GetInt64(), stuck.GetProperty("counters").GetProperty("messages").GetInt64(), stuck.GetProperty("counters").GetProperty("duplicates").GetInt64()));

        await silo.StopAsync();
        var archived = await silo.ReadArchivedTelemetryAsync();
        Assert.Equal([1L, 2L, 3L], archived.Where(m => m.Station == "stuck-1").Select(m => m.Seq).Order());
        Assert.Equal(archived.Count, archived.Distinct().Count());
    }

    [Fact]
    public async Task Once_the_drain_began_a_publish_is_not_acknowledged_so_the_station_keeps_it_for_the_next_silo()
    {
        await using var silo = await TestSilo.StartAsync();
        using var publisher = await silo.ConnectPublisherAsync("drain-publisher");
        await TestSilo.PublishAsync(publisher, TelemetryTopic.For("drain-1"), Snapshot("drain-1", 1));
        await Eventually.GetAsync(() => silo.GetJsonAsync("/stations/drain-1"), v => v.GetProperty("seq").GetInt64() == 1);

        // The bridge drains first when the host stops; the broker is still up and still takes connections.
        await silo.Services.GetRequiredService<TelemetryBridge>().StopAsync(CancellationToken.None);
        var late = TestSilo.PublishAsync(publisher, TelemetryTopic.For("drain-1"), Snapshot("drain-1", 2));
        await Assert.ThrowsAnyAsync<Exception>(() => late.WaitAsync(TimeSpan.FromSeconds(10)));
        // The client marks itself disconnected a moment after its pending publish fails.
        Assert.False(await Eventually.GetAsync(() => Task.FromResult(publisher.IsConnected), connected => !connected));

        await silo.StopAsync();
        Assert.Equal([("drain-1", 1L, 1L)], await silo.ReadArchivedTelemetryAsync());
        Assert.Equal(1, silo.Metrics.Received);
    }
}
