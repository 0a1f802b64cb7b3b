using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace EvSwap.EndToEndTests;

/// <summary>The silo host switched to DynamoDB membership and grain storage by configuration, against dynalite.</summary>
public class DynamoDbClusterEndToEndTests
{
    [Fact]
    public async Task Two_silos_on_one_membership_table_form_a_cluster_and_station_state_survives_a_full_restart()
    {
        await using var dynalite = await StandIns.StartDynaliteAsync();
        var cluster = "e2e-" + Guid.NewGuid().ToString("N")[..8];
        string[] args =
        [
            "--Clustering:Provider=DynamoDB",
            "--GrainStorage:Provider=DynamoDB",
            $"--DynamoDB:ServiceUrl=http://127.0.0.1:{dynalite.Port}",
            "--DynamoDB:Region=us-east-1",
            "--DynamoDB:CreateIfNotExists=true",
            $"--Orleans:ClusterId={cluster}",
        ];

        var ids = Enumerable.Range(0, 10).Select(i => $"ddb-{i}").ToList();
        await using (var first = await TestSilo.StartAsync(args))
        await using (var second = await TestSilo.StartAsync(args))
        {
            var management = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            var hosts = await Eventually.GetAsync(() => management.GetHosts(onlyActive: true), h => h.Count == 2);
            Assert.Equal(2, hosts.Count);

            using var client = await second.ConnectPublisherAsync("ddb-publisher");
            foreach (var id in ids)
            {
                for (var seq = 1; seq <= 3; seq++)
                {
                    var message = TelemetryBuilder.For(id).Seq(seq).Ambient(null, null).Slot(new SlotReading { Slot = 1, State = SlotStates.Ready, BatteryId = "b", SocPct = 99 });
                    if (seq == 2)
                    {
                        message.Event(new StationEvent { Type = EventTypes.Swap, SlotIn = 1, SlotOut = 1 });
                    }

                    await TestSilo.PublishAsync(client, TelemetryTopic.For(id), message.Json());
                }
            }

            // Both silos answer for every station, wherever its grain lives.
            foreach (var id in ids)
            {
                var view = await Eventually.GetAsync(() => first.GetJsonAsync($"/stations/{id}"), v => v.GetProperty("seq").GetInt64() == 3);
                Assert.Equal(3, view.GetProperty("seq").GetInt64());
            }

            await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions());
        }

        // A new silo on the same tables serves the state the cluster wrote on its way down.
        await using var third = await TestSilo.StartAsync(args);
        foreach (var id in ids)
        {
            var view = await third.GetJsonAsync($"/stations/{id}");
            var counters = view.GetProperty("counters");
            Assert.Equal((3L, 1L), (counters.GetProperty("messages").GetInt64(), counters.GetProperty("swapsTotal").GetInt64()));

            // The latest slots come back from the stored snapshot too.
            var slot = Assert.Single(view.GetProperty("slots").EnumerateArray());
            Assert.Equal((1, "ready", "b"), (slot.GetProperty("slot").GetInt32(), slot.GetProperty("state").GetString(), slot.GetProperty("batteryId").GetString()));
        }
    }
}
