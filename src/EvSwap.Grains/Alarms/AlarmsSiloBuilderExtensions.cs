using EvSwap.Hosting;
using EvSwap.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace EvSwap.Grains;

public static class AlarmsSiloBuilderExtensions
{
    /// <summary>The alarm rules, shards, sweeper and webhook sender. Storage for <see cref="AlarmShardGrain.StorageName"/> is chosen apart.</summary>
    public static IServiceCollection AddAlarms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<AlarmOptions>(configuration, AlarmOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new WebhookSender(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AlarmMetrics>();
        services.AddSingleton<AlarmTransitionSender>();
        services.AddHostedService<AlarmSweeper>();
        return services;
    }

    /// <summary>Local profile: alarms in files under <c>Alarms:Path</c>, so they outlive the process.</summary>
    public static ISiloBuilder AddAlarmFileStorage(this ISiloBuilder silo)
    {
        silo.Services.AddGrainStorage(AlarmShardGrain.StorageName, (sp, name) => new FileGrainStorage(
            name,
            Path.GetFullPath(sp.GetRequiredService<IOptions<AlarmOptions>>().Value.Path),
            ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp)));
        return silo;
    }

    /// <summary>Tests: alarms in the process's in-memory store, shared by the silos of a test cluster.</summary>
    public static ISiloBuilder AddAlarmMemoryStorage(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton<InProcessStateStore>();
        silo.Services.AddGrainStorage(AlarmShardGrain.StorageName, (sp, name) => new InProcessGrainStorage(
            name,
            sp.GetRequiredService<InProcessStateStore>(),
            ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp)));
        return silo;
    }
}
