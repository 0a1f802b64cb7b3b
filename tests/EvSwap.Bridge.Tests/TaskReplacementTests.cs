using EvSwap.Bridge.DynamoDB;
using EvSwap.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace EvSwap.Bridge.Tests;

/// <summary>
/// ECS replacing a task on a failed host: the silo process is frozen with messages on the way to it, killed, and a new
/// silo with another address takes its place. Its client ids are leased, not derived from the address, so the new silo
/// resumes the dead one's persistent sessions and receives what the dead one never acknowledged.
/// </summary>
public sealed class TaskReplacementTests : IAsyncLifetime
{
    private const int StationCount = 20;
    private const int MessagesPerStation = 30;
    private const string Prefix = "evswap-bridge";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-replace-" + Guid.NewGuid().ToString("N"));
    private readonly string _leaseTable = "leases-" + Guid.NewGuid().ToString("N")[..8];
    private StandInProcess _dynalite = null!;
    private Mosquitto _broker = null!;

    public async Task InitializeAsync()
    {
        _dynalite = await StandIns.StartDynaliteAsync();
        _broker = await Mosquitto.StartAsync(Path.Combine(_dir, "mosquitto"));
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _dynalite.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Id(int i) => $"replace-{i:D2}";

    private string[] SiloSettings(string advertisedIp) =>
    [
        "Mqtt:Mode=External",
        "Mqtt:Host=127.0.0.1",
        $"Mqtt:Port={_broker.Port}",
        "Mqtt:Connections=2",
        "Mqtt:SharedGroup=evswap",
        $"Mqtt:ClientIdPrefix={Prefix}",
        "Mqtt:ReconnectMaxDelay=00:00:01",
        // Short leases so the dead silo's client ids free up within the test; the rules are those of the defaults.
        "Mqtt:ClientIdLeases:LeaseDuration=00:00:06",
        "Mqtt:ClientIdLeases:RenewInterval=00:00:01",
        "Mqtt:ClientIdLeases:MaxClockSkew=00:00:01",
        $"Orleans:AdvertisedIp={advertisedIp}",
        $"Orleans:SiloPort={FreePort.Next()}",
        $"Orleans:GatewayPort={FreePort.Next()}",
        "Orleans:ClusterId=replace",
        // Alone in the cluster, the replacement joins only once the dead silo has missed its I-am-alive writes.
        "Orleans:Membership:IAmAliveTablePublishTimeout=00:00:02",
        "Orleans:Membership:NumMissedTableIAmAliveLimit=2",
        "Orleans:Membership:ProbeTimeout=00:00:01",
        "Orleans:Membership:NumMissedProbesLimit=2",
        "Orleans:Membership:TableRefreshTimeout=00:00:02",
        "Clustering:Provider=DynamoDB",
        "GrainStorage:Provider=DynamoDB",
        $"DynamoDB:ServiceUrl=http://127.0.0.1:{_dynalite.Port}",
        "DynamoDB:Region=us-east-1",
        "DynamoDB:CreateIfNotExists=true",
        $"DynamoDB:ClientIdLeaseTableName={_leaseTable}",
        $"Archive:Path={Path.Combine(_dir, "archive")}",
        $"IngestLog:Path={Path.Combine(_dir, "log")}",
        "Logging:LogLevel:Default=Warning",
        "Logging:LogLevel:EvSwap.Bridge=Information",
    ];

    private async Task<Dictionary<int, string>> LeaseOwnersAsync()
    {
        using var store = new DynamoDBClientIdLeaseStore(
            Options.Create(new DynamoDBClientIdLeaseOptions { ServiceUrl = $"http://127.0.0.1:{_dynalite.Port}", Region = "us-east-1", ClientIdLeaseTableName = _leaseTable }),
            NullLogger<DynamoDBClientIdLeaseStore>.Instance);
        return (await store.ReadAsync(Prefix, CancellationToken.None)).ToDictionary(l => l.Slot, l => l.Owner);
    }

    [Fact]
    public async Task A_silo_killed_with_unacknowledged_messages_is_replaced_by_one_at_another_address_that_resumes_its_sessions_and_applies_every_message_once()
    {
        await using var dead = await SiloProcess.StartAsync(SiloSettings("127.0.0.1"));
        using var publisher = await Stations.ConnectAsync(_broker.Port, "replace-publisher");

        // Every station reports once and the silo applies it: its first message is persisted, so it survives the kill.
        for (var i = 0; i < StationCount; i++)
        {
            await Stations.PublishAsync(publisher, Id(i), Stations.Snapshot(Id(i), 1));
        }

        for (var i = 0; i < StationCount; i++)
        {
            var first = await Eventually.GetAsync(() => dead.GetJsonAsync($"/stations/{Id(i)}"), v => v.GetProperty("seq").GetInt64() == 1);
            Assert.Equal(1, first.GetProperty("seq").GetInt64());
        }

        var deadLeases = await LeaseOwnersAsync();
        Assert.Equal([0, 1], deadLeases.Keys.Order());
        var deadOwner = deadLeases.Values.Distinct().Single();

        // Frozen, the silo keeps its broker connections open: mosquitto hands it what it can and queues the rest in its
        // sessions, all acknowledged to the stations and none by the silo. Then the task dies with them.
        dead.Freeze();
        for (var seq = 2; seq <= MessagesPerStation; seq++)
        {
            for (var i = 0; i < StationCount; i++)
            {
                await Stations.PublishAsync(publisher, Id(i), Stations.Snapshot(Id(i), seq, swap: seq % 10 == 0));
            }
        }

        await dead.KillAsync();

        await using var replacement = await SiloProcess.StartAsync(SiloSettings("127.0.0.2"));
        for (var i = 0; i < StationCount; i++)
        {
            var view = await Eventually.GetAsync(
                () => replacement.GetJsonAsync($"/stations/{Id(i)}"),
                v => v.GetProperty("counters").GetProperty("messages").GetInt64() >= MessagesPerStation,
                TimeSpan.FromSeconds(120));
            var counters = view.GetProperty("counters");
            Assert.True(MessagesPerStation == counters.GetProperty("messages").GetInt64(), $"{Id(i)}: {view}\n--- replacement silo:\n{replacement.Output}");
            Assert.Equal((MessagesPerStation, MessagesPerStation / 10L), (view.GetProperty("seq").GetInt64(), counters.GetProperty("swapsTotal").GetInt64()));
        }

        // The replacement connects with the dead silo's client ids: that is how it got their sessions.
        var leases = await Eventually.GetAsync(LeaseOwnersAsync, l => l.Count == 2);
        Assert.Equal([0, 1], leases.Keys.Order());
        Assert.All(leases.Values, owner => Assert.NotEqual(deadOwner, owner));
        Assert.Single(leases.Values.Distinct());
        Assert.StartsWith("127-0-0-2-", leases[0], StringComparison.Ordinal);
        await publisher.DisconnectAsync();
    }
}
