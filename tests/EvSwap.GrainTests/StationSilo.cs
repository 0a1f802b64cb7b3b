using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace EvSwap.GrainTests;

/// <summary>A test silo's station grains through the projects' own extension methods, with the archive store and
/// batching thresholds a test chooses.</summary>
internal static class StationSilo
{
    /// <summary>Fewer shards than production, so a few stations already share one.</summary>
    internal const int FleetShards = 4;

    /// <summary>One ledger file for every test silo of the process, as real silos share one table.</summary>
    internal static readonly SqliteSwapStore Swaps = new(
        Path.Combine(Path.GetTempPath(), "evswap-grain-ledger-" + Guid.NewGuid().ToString("N"), "swaps.db"), new LedgerMetrics());

    public static void AddStationGrainsWith(this ISiloBuilder silo, IArchiveStore store, Action<ArchiveOptions> archive)
    {
        var config = silo.Configuration;
        var services = silo.Services;
        silo.AddStationMemoryStorage();
        silo.AddAlarmMemoryStorage();
        silo.AddBatteryMemoryStorage();
        services.AddStationGrains(config);

        // Registered first, so the archive and the ledger keep them.
        services.AddSingleton(store);
        services.AddSingleton<ISwapStore>(Swaps);
        services.AddFileSystemArchive(config);
        services.Configure(archive);
        services.Configure<FleetOptions>(o => o.Shards = FleetShards);
        services.AddSwapLedger(config);
        services.Configure<LedgerOptions>(o => o.Linger = TimeSpan.FromMilliseconds(20));
        services.AddAlarms(config);
        services.AddBatteries(config);
    }
}
