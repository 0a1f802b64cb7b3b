using EvSwap.Bridge;
using EvSwap.Testing;
using MQTTnet;
using Orleans.Runtime;

namespace EvSwap.Bridge.Tests;

/// <summary>
/// Two silos on one DynamoDB membership table (dynalite), each bridge with two mutual-TLS connections in one shared
/// subscription group on mosquitto: the deployment shape of ECS plus IoT Core, on loopback.
/// </summary>
public sealed class SharedSubscriptionClusterTests : IAsyncLifetime
{
    private const int StationCount = 200;
    private const int MessagesPerStation = 100;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-share-" + Guid.NewGuid().ToString("N"));
    private TestCertificates _pki = null!;
    private StandInProcess _dynalite = null!;
    private Mosquitto _broker = null!;
    private string[] _siloArgs = [];
    private MqttClientTlsOptions _stationTls = null!;

    private string ArchivePath => Path.Combine(_dir, "archive");

    public async Task InitializeAsync()
    {
        _pki = TestCertificates.CreateAuthority(_dir);
        var bridge = _pki.IssueClient("evswap-bridge");
        var station = _pki.IssueClient("station-fleet");
        _dynalite = await StandIns.StartDynaliteAsync();
        _broker = await Mosquitto.StartAsync(Path.Combine(_dir, "mosquitto"), tls: (_pki.CaFile, _pki.IssueServer()));
        _stationTls = MqttClientOptionsFactory.CreateTls(new MqttTlsOptions { CaFile = _pki.CaFile, CertFile = station.CertFile, KeyFile = station.KeyFile }, "127.0.0.1");
        _siloArgs =
        [
            "--Mqtt:Connections=2",
            "--Mqtt:SharedGroup=evswap",
            $"--Mqtt:Tls:CaFile={_pki.CaFile}",
            $"--Mqtt:Tls:CertFile={bridge.CertFile}",
            $"--Mqtt:Tls:KeyFile={bridge.KeyFile}",
            "--Clustering:Provider=DynamoDB",
            "--GrainStorage:Provider=DynamoDB",
            $"--DynamoDB:ServiceUrl=http://127.0.0.1:{_dynalite.Port}",
            "--DynamoDB:Region=us-east-1",
            "--DynamoDB:CreateIfNotExists=true",
            $"--Orleans:ClusterId=share-{Guid.NewGuid():N}",
        ];
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _dynalite.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Id(int i) => $"share-{i:D3}";

    /// <summary>
    /// Publishes round after round, every station once per round, the way stations report on an interval. A round
    /// starts when the cluster has finished the previous one: like a real station, a snapshot is never overtaken
    /// by its successor, so every message must be applied (a reordered one would be a legitimate duplicate).
    /// </summary>
    private async Task PublishRoundsAsync(IMqttClient publisher, Func<long> processed, int fromSeq, int toSeq, Func<int, Task>? afterRound = null)
    {
        for (var seq = fromSeq; seq <= toSeq; seq++)
        {
            var round = seq;
            await Task.WhenAll(Enumerable.Range(0, StationCount).Select(i => Stations.PublishAsync(publisher, Id(i), Stations.Snapshot(Id(i), round, swap: round % 10 == 0))));
            var expected = (long)StationCount * round;
            var done = await Eventually.GetAsync(() => Task.FromResult(processed()), n => n >= expected, TimeSpan.FromSeconds(60));
            Assert.True(done >= expected, $"round {round}: the cluster processed {done} of {expected} messages");
            if (afterRound is not null)
            {
                await afterRound(round);
            }
        }
    }

    private async Task AssertEveryMessageAppliedOnceAsync(TestSilo api)
    {
        for (var i = 0; i < StationCount; i++)
        {
            var view = await api.GetJsonAsync($"/stations/{Id(i)}");
            var counters = view.GetProperty("counters");
            Assert.Equal((MessagesPerStation, (long)MessagesPerStation, 0L, MessagesPerStation / 10L),
                (view.GetProperty("seq").GetInt64(), counters.GetProperty("messages").GetInt64(), counters.GetProperty("duplicates").GetInt64(), counters.GetProperty("swapsTotal").GetInt64()));
        }
    }

    private async Task AssertArchiveHoldsEveryMessageOnceAsync()
    {
        var archived = await Stations.ReadArchiveAsync(ArchivePath);
        Assert.Equal(StationCount * MessagesPerStation, archived.Count);
        Assert.Equal(archived.Count, archived.Distinct().Count());
    }

    [Fact]
    public async Task Two_silos_with_two_connections_each_share_the_stream_and_apply_every_message_exactly_once()
    {
        await using var a = await TestSilo.StartExternalAsync(_broker, ArchivePath, _siloArgs);
        await using var b = await TestSilo.StartExternalAsync(_broker, ArchivePath, _siloArgs);
        var hosts = await Eventually.GetAsync(() => a.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true), h => h.Count == 2);
        Assert.Equal(2, hosts.Count);
        // Each connection comes up once its client id is leased, which may finish after the silo reports started.
        Assert.Equal(2, await Eventually.GetAsync(() => Task.FromResult(a.Bridge.ConnectedCount), n => n == 2, TimeSpan.FromSeconds(30)));
        Assert.Equal(2, await Eventually.GetAsync(() => Task.FromResult(b.Bridge.ConnectedCount), n => n == 2, TimeSpan.FromSeconds(30)));

        using var publisher = await Stations.ConnectAsync(_broker.Port, "share-publisher", _stationTls);
        long maxInFlight = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                maxInFlight = Math.Max(maxInFlight, Math.Max(a.Metrics.InFlight, b.Metrics.InFlight));
                await Task.Delay(1);
            }
        });
        await PublishRoundsAsync(publisher, () => a.Processed + b.Processed, 1, MessagesPerStation);
        await sampling.CancelAsync();
        await sampler;

        // The broker never had more unacknowledged messages out to a silo than its connections' receive maximum.
        Assert.InRange(maxInFlight, 1, 2 * 100);

        // The broker spread the group's messages over both silos; neither did all the work.
        const int total = StationCount * MessagesPerStation;
        Assert.Equal(total, a.Metrics.Received + b.Metrics.Received);
        Assert.InRange(a.Metrics.Received, total / 10, total - total / 10);
        Assert.Equal(total, a.Metrics.Accepted + b.Metrics.Accepted);
        Assert.Equal(0, a.Metrics.Duplicates + b.Metrics.Duplicates + a.Metrics.Rejected + b.Metrics.Rejected);

        await AssertEveryMessageAppliedOnceAsync(a);
        await publisher.DisconnectAsync();
        await b.StopAsync();
        await a.StopAsync();
        await AssertArchiveHoldsEveryMessageOnceAsync();
    }

    [Fact]
    public async Task A_silo_that_stops_mid_stream_drains_and_the_other_silo_takes_over_without_losing_a_message()
    {
        await using var a = await TestSilo.StartExternalAsync(_broker, ArchivePath, _siloArgs);
        await using var b = await TestSilo.StartExternalAsync(_broker, ArchivePath, _siloArgs);
        await Eventually.GetAsync(() => a.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true), h => h.Count == 2);

        using var publisher = await Stations.ConnectAsync(_broker.Port, "drain-publisher", _stationTls);
        Task? stopping = null;
        await PublishRoundsAsync(publisher, () => a.Processed + b.Processed, 1, MessagesPerStation, async round =>
        {
            if (round == MessagesPerStation / 2)
            {
                // Stop B while the stream goes on (not between rounds): its bridge must hand the flow to A.
                stopping = b.StopAsync();
                await Task.Yield();
            }
        });
        await stopping!;

        Assert.True(a.Metrics.Received > 0 && b.Metrics.Received > 0);
        await AssertEveryMessageAppliedOnceAsync(a);
        await publisher.DisconnectAsync();
        await a.StopAsync();
        await AssertArchiveHoldsEveryMessageOnceAsync();
    }
}
