using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace EvSwap.GrainTests;

/// <summary>What a test silo needs for the station grains: the silo host's registrations, with the archive store and
/// batching thresholds a test chooses.</summary>
internal static class StationSilo
{
    /// <summary>One ledger file for every test silo of the process, as real silos share one table.</summary>
    internal static readonly EvSwap.Ledger.SqliteSwapStore Swaps = new(
        Path.Combine(Path.GetTempPath(), "evswap-grain-ledger-" + Guid.NewGuid().ToString("N"), "swaps.db"), new EvSwap.Ledger.LedgerMetrics());

    public static void AddStationGrains(this ISiloBuilder silo, IArchiveStore store, Action<ArchiveOptions> archive)
    {
        silo.AddStationMemoryStorage();
        silo.AddAlarmMemoryStorage();
        silo.AddBatteryMemoryStorage();
        silo.ConfigureServices(services =>
        {
            services.AddSingleton(TimeProvider.System);
            services.AddMetrics();
            services.AddSingleton(sp => UnarchivedBudget.For(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ArchiveOptions>>().Value));
            services.AddSingleton<StationMetrics>();
            services.AddSingleton(store);
            services.AddSingleton<TelemetryArchive>();
            services.AddSingleton<ArchiveProgress>();
            services.Configure<StationOptions>(_ => { });
            services.Configure(archive);
            services.Configure<FleetOptions>(o => o.Shards = 4);
            services.AddSingleton<EvSwap.Ledger.ISwapStore>(Swaps);
            EvSwap.Ledger.LedgerServiceCollectionExtensions.AddSwapLedger(services, o => o.Linger = TimeSpan.FromMilliseconds(20));
            services.AddAlarms(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
            services.AddBatteries(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        });
    }
}
