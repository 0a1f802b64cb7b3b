using System.Text;
using EvSwap.Contracts;
using EvSwap.Testing;
using MQTTnet;
using MQTTnet.Formatter;

namespace EvSwap.Bridge.Tests;

/// <summary>
/// One silo whose bridge subscribes on mosquitto (with persistence, as IoT Core keeps sessions): redelivery,
/// reordering, a broker restart and bad input, each checked against the station state and the archive.
/// </summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-delivery-" + Guid.NewGuid().ToString("N"));
    private Mosquitto _broker = null!;

    private string ArchivePath => Path.Combine(_dir, "archive");

    public async Task InitializeAsync() => _broker = await Mosquitto.StartAsync(Path.Combine(_dir, "mosquitto"), persistence: true);

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<TestSilo> StartSiloAsync(params string[] extraArgs) => TestSilo.StartExternalAsync(_broker, ArchivePath, ["--Archive:MaxBatchMessages=10", .. extraArgs]);

    [Fact]
    public async Task Messages_published_twice_and_out_of_order_are_applied_and_archived_at_most_once_and_the_latest_wins()
    {
        await using var silo = await StartSiloAsync();
        using var publisher = await Stations.ConnectAsync(_broker.Port, "redelivery-publisher");

        const int stations = 20;
        const int perStation = 50;
        var random = new Random(20261129);
        var messages = Enumerable.Range(0, stations)
            .SelectMany(s => Enumerable.Range(1, perStation).Select(seq => (Id: $"redeliver-{s:D2}", Seq: seq)))
            .SelectMany(m => new[] { m, m })
            .OrderBy(_ => random.Next())
            .ToList();
        foreach (var (id, seq) in messages)
        {
            await Stations.PublishAsync(publisher, id, Stations.Snapshot(id, seq));
        }

        await Eventually.GetAsync(() => Task.FromResult(silo.Processed), n => n >= messages.Count);
        Assert.Equal(messages.Count, silo.Processed);

        var appliedTotal = 0L;
        for (var s = 0; s < stations; s++)
        {
            var view = await silo.GetJsonAsync($"/stations/redeliver-{s:D2}");
            var counters = view.GetProperty("counters");
            var (applied, duplicates) = (counters.GetProperty("messages").GetInt64(), counters.GetProperty("duplicates").GetInt64());

            // Whatever the order, the newest snapshot ends up as the state and every copy is accounted for once.
            Assert.Equal(perStation, view.GetProperty("seq").GetInt64());
            Assert.Equal(2 * perStation, applied + duplicates);
            Assert.InRange(applied, 1, perStation);
            appliedTotal += applied;
        }

        await publisher.DisconnectAsync();
        await silo.StopAsync();

        // The archive holds exactly the applied messages, none twice, each station's in ascending order.
        var archived = await Stations.ReadArchiveAsync(ArchivePath);
        Assert.Equal(appliedTotal, archived.Count);
        Assert.Equal(archived.Count, archived.Distinct().Count());
        Assert.Equal(stations, archived.Select(a => a.Station).Distinct().Count());
    }

    [Fact]
    public async Task Messages_published_while_the_bridge_connection_is_cut_are_delivered_from_its_session_when_it_returns()
    {
        // The bridge reaches the broker through a proxy that fails like a network; stations publish directly.
        await using var network = new TcpProxy(_broker.Port);
        await using var silo = await TestSilo.StartExternalAsync(network.Port, ArchivePath, "--Archive:MaxBatchMessages=10");
        using var publisher = await Stations.ConnectAsync(_broker.Port, "cut-publisher");
        const int stations = 10;
        const int perStation = 30;
        for (var seq = 1; seq <= perStation; seq++)
        {
            if (seq == 10)
            {
                network.Cut();
                await Eventually.GetAsync(() => Task.FromResult(silo.Bridge.ConnectedCount), n => n == 0);

                // A silo without its broker link is not ready, and the metric shows the link down.
                using var ready = await silo.Http.GetAsync("/health/ready");
                Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("0 of 1 broker connections up", await ready.Content.ReadAsStringAsync());
                Assert.Equal(0, silo.Metrics.Connected);
            }

            if (seq == 20)
            {
                network.Restore();
            }

            for (var s = 0; s < stations; s++)
            {
                await Stations.PublishAsync(publisher, $"cut-{s:D2}", Stations.Snapshot($"cut-{s:D2}", seq));
            }
        }

        for (var s = 0; s < stations; s++)
        {
            var view = await Eventually.GetAsync(() => silo.GetJsonAsync($"/stations/cut-{s:D2}"), v => v.GetProperty("seq").GetInt64() == perStation);
            Assert.Equal((perStation, (long)perStation), (view.GetProperty("seq").GetInt64(), view.GetProperty("counters").GetProperty("messages").GetInt64()));
        }

        Assert.True(silo.Metrics.Reconnects >= 1);
        Assert.Equal(1, silo.Metrics.Connected);
        await publisher.DisconnectAsync();
    }

    [Fact]
    public async Task After_a_broker_restart_mid_stream_the_bridge_reconnects_and_every_message_is_applied_exactly_once()
    {
        // A plain subscription here: mosquitto 2.0 does not restore shared subscriptions from its persistence file,
        // so across a restart of mosquitto itself a shared group loses what is published before it subscribes again
        // (docs/limitations.md). The bridge's part, reconnecting and resuming its session, is the same either way.
        await using var silo = await StartSiloAsync("--Mqtt:SharedGroup=");
        const int stations = 10;
        const int perStation = 60;
        var publisher = new ResilientPublisher(_broker.Port, "restart-publisher");
        try
        {
            for (var seq = 1; seq <= perStation; seq++)
            {
                if (seq == perStation / 2)
                {
                    // Stations keep publishing through the outage: what cannot be sent now is retried when the broker is back.
                    await _broker.RestartAsync(downtime: TimeSpan.FromSeconds(1));
                }

                for (var s = 0; s < stations; s++)
                {
                    var id = $"restart-{s:D2}";
                    await publisher.PublishAsync(id, Stations.Snapshot(id, seq));
                }
            }
        }
        finally
        {
            await publisher.DisposeAsync();
        }

        var reconnects = await Eventually.GetAsync(() => Task.FromResult(silo.Metrics.Reconnects), n => n >= 1);
        Assert.True(reconnects >= 1, "the bridge did not reconnect after the broker restart");
        for (var s = 0; s < stations; s++)
        {
            var view = await Eventually.GetAsync(() => silo.GetJsonAsync($"/stations/restart-{s:D2}"), v => v.GetProperty("seq").GetInt64() == perStation);
            Assert.Equal(perStation, view.GetProperty("seq").GetInt64());
            Assert.Equal(perStation, view.GetProperty("counters").GetProperty("messages").GetInt64());
        }

        await silo.StopAsync();
        var archived = await Stations.ReadArchiveAsync(ArchivePath);
        var expected = Enumerable.Range(0, stations).SelectMany(s => Enumerable.Range(1, perStation).Select(seq => ($"restart-{s:D2}", 1L, (long)seq)));
        Assert.Equal(expected.ToHashSet(), archived.ToHashSet());
        Assert.Equal(archived.Count, archived.Distinct().Count());
    }

    [Fact]
    public async Task Bad_messages_over_the_wire_are_rejected_dead_lettered_and_acknowledged_while_valid_traffic_flows()
    {
        string clientId;
        var bad = new (string Topic, byte[] Payload, RejectReason Reason)[]
        {
            (TelemetryTopic.For("wire-bad"), Encoding.UTF8.GetBytes("{\"schema\": \"evswap.telemetry.v1\", "), RejectReason.BadJson),
            (TelemetryTopic.For("wire-bad"), Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Stations.Snapshot("wire-bad", 1)) + new string(' ', 129 * 1024)), RejectReason.TooLarge),
            (TelemetryTopic.For("wire-bad"), Stations.Snapshot("wire-00", 1000), RejectReason.StationIdMismatch),
            (TelemetryTopic.For("wire-bad"), Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Stations.Snapshot("wire-bad", 2)).Replace("\"socPct\":99", "\"socPct\":180")), RejectReason.OutOfRange),
        };

        await using (var silo = await StartSiloAsync())
        {
            clientId = Assert.Single(silo.Bridge.ClientIds);
            using var publisher = await Stations.ConnectAsync(_broker.Port, "wire-publisher");
            for (var seq = 1; seq <= 20; seq++)
            {
                for (var s = 0; s < 3; s++)
                {
                    await Stations.PublishAsync(publisher, $"wire-{s:D2}", Stations.Snapshot($"wire-{s:D2}", seq));
                }

                if (seq % 5 == 0)
                {
                    var (topic, payload, _) = bad[seq / 5 - 1];
                    await Stations.PublishAsync(publisher, "wire-bad", payload, topic);
                }
            }

            await Eventually.GetAsync(() => Task.FromResult(silo.Processed), n => n >= 64);
            Assert.Equal(60, silo.Metrics.Accepted);
            Assert.Equal(bad.Length, silo.Metrics.Rejected);
            foreach (var (_, _, reason) in bad)
            {
                Assert.Equal(1, silo.Metrics.RejectedByReason.GetValueOrDefault(reason.ToString()));
            }

            for (var s = 0; s < 3; s++)
            {
                Assert.Equal(20, (await silo.GetJsonAsync($"/stations/wire-{s:D2}")).GetProperty("counters").GetProperty("messages").GetInt64());
            }

            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await silo.Http.GetAsync("/stations/wire-bad")).StatusCode);
            await publisher.DisconnectAsync();
        }

        var deadLetters = await Stations.ReadRejectedAsync(ArchivePath);
        Assert.Equal(bad.Length, deadLetters.Count);
        foreach (var (_, _, reason) in bad)
        {
            Assert.Contains(deadLetters, d => d.Reasons.Any(r => r.StartsWith(reason + ":", StringComparison.Ordinal)));
        }

        // Resuming the bridge's own session shows what the broker still holds for it: nothing, since rejected
        // messages were acknowledged like accepted ones and will not come back forever.
        using var resumed = new MqttClientFactory().CreateMqttClient();
        var redelivered = 0;
        resumed.ApplicationMessageReceivedAsync += _ =>
        {
            Interlocked.Increment(ref redelivered);
            return Task.CompletedTask;
        };
        var result = await resumed.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker.Port).WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval(60).Build());
        Assert.True(result.IsSessionPresent, "the bridge's session should still exist, or this check proves nothing");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, redelivered);
        await resumed.DisconnectAsync();
    }

    /// <summary>A station's client: QoS 1 with retries through broker outages, like a device SDK with an offline queue.</summary>
    private sealed class ResilientPublisher(int port, string clientId) : IAsyncDisposable
    {
        private IMqttClient? _client;

        public async Task PublishAsync(string stationId, byte[] payload)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    if (_client is not { IsConnected: true })
                    {
                        _client?.Dispose();
                        _client = await Stations.ConnectAsync(port, clientId);
                    }

                    await Stations.PublishAsync(_client, stationId, payload);
                    return;
                }
                catch (Exception) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is { IsConnected: true })
            {
                await _client.DisconnectAsync();
            }

            _client?.Dispose();
        }
    }
}
