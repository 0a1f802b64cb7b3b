using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace EvSwap.GrainTests;

/// <summary>Two in-process silos sharing in-process grain storage and one file-system archive directory.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    // Silo configurators are created by type, so the archive root and the state store are handed over through
    // statics. Both silos share one store, as real silos share one table.
    internal static readonly InProcessStateStore State = new();
    internal static readonly string ArchiveRoot = Path.Combine(Path.GetTempPath(), "evswap-grains-" + Guid.NewGuid().ToString("N"));

    public TestCluster Cluster { get; private set; } = null!;
    public TelemetryArchive Archive { get; } = new(new FileSystemArchiveStore(ArchiveRoot));
    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        if (Directory.Exists(ArchiveRoot))
        {
            Directory.Delete(ArchiveRoot, recursive: true);
        }
    }

    public static TelemetryEnvelope Envelope(string stationId, long seq, long boot = 1, IReadOnlyList<StationEvent>? events = null, IReadOnlyList<SlotReading>? slots = null)
    {
        var now = DateTimeOffset.UtcNow;
        var message = new TelemetryMessage
        {
            Schema = TelemetryMessage.SchemaV1,
            StationId = stationId,
            Boot = boot,
            Seq = seq,
            Ts = now.AddMilliseconds(-50),
            AmbientC = 20,
            Slots = slots ??
            [
                new SlotReading { Slot = 1, State = SlotStates.Ready, BatteryId = "bat-1", SocPct = 99, TempC = 30 },
                new SlotReading { Slot = 2, State = SlotStates.Charging, BatteryId = "bat-2", SocPct = 40, TempC = 33 },
            ],
            Events = events,
        };
        return new TelemetryEnvelope(message, JsonSerializer.SerializeToUtf8Bytes(message, TelemetryJsonContext.Default.TelemetryMessage), now);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.AddSingleton(State);
            siloBuilder.AddStationGrainsWith(new FileSystemArchiveStore(ArchiveRoot), o => o.MaxBatchMessages = 10);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
