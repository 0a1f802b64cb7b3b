using System.Collections.Concurrent;
using System.Text.Json;
using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace EvSwap.GrainTests;

/// <summary>
/// One silo whose clock is a <see cref="FakeTimeProvider"/> the tests move, and whose downlink is a
/// <see cref="StationLink"/>: the tests play the station, reading what the platform published and answering it.
/// </summary>
public sealed class DownlinkFixture : IAsyncLifetime
{
    internal static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    internal static readonly StationLink Link = new();
    private static readonly string ArchiveRoot = Path.Combine(Path.GetTempPath(), "evswap-downlink-" + Guid.NewGuid().ToString("N"));

    public TestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
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

    /// <summary>A snapshot received now (fake clock) with the given slots and events.</summary>
    public static TelemetryEnvelope Envelope(string stationId, long seq, IReadOnlyList<SlotReading> slots, IReadOnlyList<StationEvent>? events = null)
    {
        var now = Clock.GetUtcNow();
        return TelemetryBuilder.For(stationId).Seq(seq).At(now).Ambient(null, null).Slots(slots).Events(events).Envelope(now);
    }

    public static SlotReading Ready(int slot, string battery, double soc = 99) =>
        new() { Slot = slot, State = SlotStates.Ready, BatteryId = battery, SocPct = soc, TempC = 30 };

    public static SlotReading Charging(int slot, string battery, double soc) =>
        new() { Slot = slot, State = SlotStates.Charging, BatteryId = battery, SocPct = soc, TempC = 30 };

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddStationGrainsWith(new FileSystemArchiveStore(ArchiveRoot), _ => { });
            siloBuilder.Services.AddSingleton<TimeProvider>(Clock);
            siloBuilder.Services.AddSingleton<ICommandPublisher>(Link);
            siloBuilder.Services.Configure<DownlinkOptions>(o => o.TickInterval = TimeSpan.FromMilliseconds(50));

            // The fake clock stands still unless a test moves it (grain timers too: they run on the silo's TimeProvider),
            // so a station reported "now" stays online.
            siloBuilder.Services.Configure<StationOptions>(o => o.OfflineAfter = TimeSpan.FromHours(1));
        }
    }
}

/// <summary>The station's end of the downlink: what the platform published to each station, and a switch to make publishing fail.</summary>
public sealed class StationLink : ICommandPublisher
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<StationCommand>> _published = new();

    /// <summary>While set, publishes fail as if the broker were unreachable.</summary>
    public volatile bool BrokerDown;

    public Task PublishAsync(StationCommand command, CancellationToken cancellationToken)
    {
        if (BrokerDown)
        {
            return Task.FromException(new IOException("broker unreachable"));
        }

        _published.GetOrAdd(command.StationId, _ => new()).Enqueue(command);
        return Task.CompletedTask;
    }

    public IReadOnlyList<StationCommand> PublishedTo(string stationId) => _published.TryGetValue(stationId, out var q) ? [.. q] : [];
}

[CollectionDefinition(Name)]
public sealed class DownlinkCollection : ICollectionFixture<DownlinkFixture>
{
    public const string Name = "downlink";
}
