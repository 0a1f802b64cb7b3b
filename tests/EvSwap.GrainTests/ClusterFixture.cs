using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Testing;
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
        var message = TelemetryBuilder.For(stationId).Boot(boot).Seq(seq).At(now.AddMilliseconds(-50)).Ambient(20, null).Events(events);
        if (slots is null)
        {
            message.Ready(1, "bat-1", socPct: 99, tempC: 30, sohPct: null, cycles: null).Charging(2, "bat-2", socPct: 40, tempC: 33, sohPct: null, cycles: null);
        }
        else
        {
            message.Slots(slots);
        }

        return message.Envelope(now);
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
