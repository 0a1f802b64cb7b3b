using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Storage;

namespace EvSwap.Grains;

public static class GrainsSiloBuilderExtensions
{
    /// <summary>
    /// In-memory grain storage for the local profile and tests. State is kept with Orleans' own serializer (the
    /// types carry [Id]s for version tolerance) rather than the default Newtonsoft JSON, which cannot round-trip
    /// every state type (DateOnly, read-only collections in records).
    /// </summary>
    public static ISiloBuilder AddStationMemoryStorage(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StationGrain.StorageName);
        silo.Services.AddOptions<MemoryGrainStorageOptions>(StationGrain.StorageName)
            .Configure<IServiceProvider>((o, sp) => o.GrainStorageSerializer = ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp));
        return silo;
    }
}
