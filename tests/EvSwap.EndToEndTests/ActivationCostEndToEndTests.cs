using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using EvSwap.Archive.S3;
using EvSwap.Contracts;
using EvSwap.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Xunit.Abstractions;

namespace EvSwap.EndToEndTests;

/// <summary>
/// Requests a station activation costs, counted against the stand-ins (dynalite for grain state, s3rver for the
/// archive): they must not grow with how long a station has been silent, and an id that never reported costs none.
/// </summary>
public sealed class ActivationCostEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Bucket = "evswap-activation-cost";
    private readonly string _s3Directory = Path.Combine(Path.GetTempPath(), "evswap-e2e-s3rver-" + Guid.NewGuid().ToString("N"));
    private readonly string _stateTable = "evswap-activation-" + Guid.NewGuid().ToString("N")[..8];
    private StandInProcess _dynalite = null!;
    private StandInProcess _s3rver = null!;

    public async Task InitializeAsync()
    {
        _dynalite = await StandIns.StartDynaliteAsync();
        _s3rver = await StandIns.StartS3rverAsync(_s3Directory);
    }

    public async Task DisposeAsync()
    {
        await _s3rver.DisposeAsync();
        await _dynalite.DisposeAsync();
        if (Directory.Exists(_s3Directory))
        {
            Directory.Delete(_s3Directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_station_silent_for_two_years_activates_with_one_state_read_and_one_archive_listing_and_an_unknown_id_costs_nothing()
    {
        const string id = "silent-since-2024";
        var twoYears = TimeSpan.FromDays(730);

        // Two years ago (as far as the silo can tell): the station reports, its batches and state are stored.
        await using (var then = await StartSiloAsync(new ShiftedClock(-twoYears)))
        {
            using var client = await then.ConnectPublisherAsync("activation-cost-then");
            var now = DateTimeOffset.UtcNow - twoYears;
            for (var seq = 1; seq <= 12; seq++)
            {
                await TestSilo.PublishAsync(client, TelemetryTopic.For(id), Payload(id, seq, now.AddSeconds(seq - 12)));
            }

            await Eventually.GetAsync(() => then.GetJsonAsync($"/stations/{id}"), v => v.GetProperty("seq").GetInt64() == 12);
            await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions());
            await then.StopAsync();
        }

        await using var silo = await StartSiloAsync(TimeProvider.System);
        using var dynamo = new DynamoRequests(_stateTable);
        var s3 = silo.Services.GetRequiredService<S3ArchiveStore>();

        // The index shards activate (one state read each) before anything is counted: they are per silo, not per station.
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/stations")).StatusCode);
        var before = (Dynamo: dynamo.Snapshot(), s3.Lists, s3.Gets, s3.Puts);

        var view = await silo.GetJsonAsync($"/stations/{id}");
        Assert.Equal(12, view.GetProperty("seq").GetInt64());
        var activation = (Dynamo: dynamo.Snapshot() - before.Dynamo, Lists: s3.Lists - before.Lists, Gets: s3.Gets - before.Gets, Puts: s3.Puts - before.Puts);
        output.WriteLine($"activation of a station silent for 730 days: DynamoDB {activation.Dynamo}; S3 LIST {activation.Lists}, GET {activation.Gets}, PUT {activation.Puts}");

        // Listing day by day from its last message cost 731 LIST requests here.
        Assert.Equal(1, activation.Dynamo.GetItem);
        Assert.Equal(0, activation.Dynamo.Writes);
        Assert.Equal(1, activation.Lists);
        Assert.Equal(0, activation.Gets);
        Assert.Equal(0, activation.Puts);

        var beforeUnknown = (Dynamo: dynamo.Snapshot(), s3.Lists, s3.Gets);
        foreach (var path in new[] { "/stations/never-reported", "/stations/never-reported/telemetry" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync(path)).StatusCode);
        }

        var unknown = dynamo.Snapshot() - beforeUnknown.Dynamo;
        output.WriteLine($"GET of an id that never reported: DynamoDB {unknown}; S3 LIST {s3.Lists - beforeUnknown.Lists}, GET {s3.Gets - beforeUnknown.Gets}");
        Assert.Equal(default, unknown);
        Assert.Equal((0L, 0L), (s3.Lists - beforeUnknown.Lists, s3.Gets - beforeUnknown.Gets));
    }

    [Fact]
    public async Task A_new_station_is_known_to_the_api_as_soon_as_its_first_message_is_accepted_and_costs_a_constant_number_of_requests()
    {
        await using var silo = await StartSiloAsync(TimeProvider.System);
        using var dynamo = new DynamoRequests(_stateTable);
        var s3 = silo.Services.GetRequiredService<S3ArchiveStore>();
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/stations")).StatusCode);
        using var client = await silo.ConnectPublisherAsync("activation-cost-new");

        const int stations = 5;
        var before = (Dynamo: dynamo.Snapshot(), s3.Lists, s3.Gets);
        for (var s = 0; s < stations; s++)
        {
            var id = $"new-{s}";
            await TestSilo.PublishAsync(client, TelemetryTopic.For(id), Payload(id, 1, DateTimeOffset.UtcNow));

            // The first message registers the station with its index shard before it is acknowledged.
            await Eventually.GetAsync(async () => (await silo.Http.GetAsync($"/stations/{id}")).StatusCode, c => c == HttpStatusCode.OK);
        }

        var cost = dynamo.Snapshot() - before.Dynamo;
        output.WriteLine($"{stations} first messages of new stations: DynamoDB {cost}; S3 LIST {s3.Lists - before.Lists}, GET {s3.Gets - before.Gets}");
        Assert.Equal(stations, cost.GetItem);
        // One state write per first message; an index shard's periodic write (every 30 s, same table) may fall inside.
        Assert.InRange(cost.Writes, stations, stations + 16);
        Assert.Equal(stations, s3.Lists - before.Lists);
        Assert.Equal(0, s3.Gets - before.Gets);
    }

    private Task<TestSilo> StartSiloAsync(TimeProvider clock) => TestSilo.StartAsync(
        builder => builder.Services.AddSingleton(clock),
        "--GrainStorage:Provider=DynamoDB",
        $"--DynamoDB:ServiceUrl=http://127.0.0.1:{_dynalite.Port}",
        "--DynamoDB:Region=us-east-1",
        "--DynamoDB:CreateIfNotExists=true",
        $"--DynamoDB:GrainStateTableName={_stateTable}",
        "--Archive:Provider=S3",
        $"--S3:ServiceUrl=http://127.0.0.1:{_s3rver.Port}",
        $"--S3:Bucket={Bucket}",
        "--S3:CreateBucketIfNotExists=true",
        "--Archive:MaxBatchMessages=5");

    /// <summary>An empty slot: these figures are the station's own; a docked battery adds its grain's read and write
    /// (BatteryEndToEndTests counts battery grain calls).</summary>
    private static byte[] Payload(string stationId, long seq, DateTimeOffset ts) =>
        TelemetryBuilder.For(stationId).Seq(seq).At(ts).Ambient(null, null).Empty(1).Json();

    /// <summary>The real clock moved by an offset: timers run as usual, only "now" is elsewhere.</summary>
    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }

    private readonly record struct DynamoCounts(long GetItem, long Writes)
    {
        public static DynamoCounts operator -(DynamoCounts a, DynamoCounts b) => new(a.GetItem - b.GetItem, a.Writes - b.Writes);

        public override string ToString() => $"GetItem {GetItem}, writes {Writes}";
    }

    /// <summary>The providers' request counter for one grain-state table (the table tag keeps other tests' silos out).</summary>
    private sealed class DynamoRequests(string table) : IDisposable
    {
        // The providers' meter is static (no host scope), so the table tag is what tells this test's requests apart.
        private readonly MetricCollector<long> _requests = new(null, "EvSwap.Orleans.DynamoDB", "evswap.dynamodb.requests");

        public DynamoCounts Snapshot()
        {
            var ours = _requests.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue("table", out var t) && Equals(t, table)).ToList();
            long Sum(params string[] operations) => ours.Where(m => m.Tags.TryGetValue("operation", out var o) && operations.Contains(o as string)).Sum(m => m.Value);
            return new(Sum("GetItem"), Sum("PutItem", "DeleteItem", "UpdateItem"));
        }

        public void Dispose() => _requests.Dispose();
    }
}
