using EvSwap.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace EvSwap.Grains;

public static class BatteriesSiloBuilderExtensions
{
    /// <summary>Battery options (<c>Ledger:Batteries</c>) and metrics. Storage for <see cref="BatteryGrain.StorageName"/> is chosen apart.</summary>
    public static IServiceCollection AddBatteries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<BatteryOptions>(configuration, BatteryOptions.Section);
        services.AddCheckedOptions<EvSwap.Contracts.BatteryIndexOptions>(configuration, EvSwap.Contracts.BatteryIndexOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BatteryMetrics>();
        services.TryAddSingleton<BatteryCallBudget>();
        services.TryAddSingleton<BatteryDockingDesk>();
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<BatteryOptions>>((collection, batteries) =>
            collection.ClassSpecificCollectionAge[typeof(BatteryGrain).FullName!] = batteries.Value.IdleAfter);
        return services;
    }

    /// <summary>
    /// Local profile: batteries in one SQLite file under <c>Ledger:Batteries:Path</c>, so they outlive the process, with
    /// the writes of many batteries committed and synced together. Files of an older data directory are moved in.
    /// </summary>
    public static ISiloBuilder AddBatterySqliteStorage(this ISiloBuilder silo)
    {
        silo.Services.AddGrainStorage(BatteryGrain.StorageName, (sp, name) =>
        {
            var directory = Path.GetFullPath(sp.GetRequiredService<IOptions<BatteryOptions>>().Value.Path);
            var storage = new SqliteGrainStorage(name, Path.Combine(directory, "batteries.db"), ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp));
            storage.ImportFiles(directory);
            return storage;
        });
        return silo;
    }

    /// <summary>Tests: batteries in the process's in-memory store, shared by the silos of a test cluster.</summary>
    public static ISiloBuilder AddBatteryMemoryStorage(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton<InProcessStateStore>();
        silo.Services.AddGrainStorage(BatteryGrain.StorageName, (sp, name) => new InProcessGrainStorage(
            name,
            sp.GetRequiredService<InProcessStateStore>(),
            ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp)));
        return silo;
    }
}
