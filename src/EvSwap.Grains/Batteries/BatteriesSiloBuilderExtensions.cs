using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace EvSwap.Grains;

public static class BatteriesSiloBuilderExtensions
{
    /// <summary>Battery options (<c>Ledger:Batteries</c>) and metrics. Storage for <see cref="BatteryGrain.StorageName"/> is chosen apart.</summary>
    public static IServiceCollection AddBatteries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BatteryOptions>().Bind(configuration.GetSection(BatteryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EvSwap.Contracts.BatteryIndexOptions>().Bind(configuration.GetSection(EvSwap.Contracts.BatteryIndexOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BatteryMetrics>();
        return services;
    }

    /// <summary>Local profile: batteries in files under <paramref name="path"/>, so they outlive the process.</summary>
    public static ISiloBuilder AddBatteryFileStorage(this ISiloBuilder silo, string path)
    {
        silo.Services.AddGrainStorage(BatteryGrain.StorageName, (sp, name) => new FileGrainStorage(
            name,
            Path.GetFullPath(path),
            ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp)));
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
