using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace EvSwap.Grains;

public static class GrainsSiloBuilderExtensions
{
    /// <summary>
    /// In-memory grain storage for the local profile and tests: state lives as long as the process. It is stored with
    /// Orleans' own serializer (the types carry [Id]s for version tolerance) rather than JSON, which cannot round-trip
    /// every state type (DateOnly, read-only collections in records).
    /// </summary>
    public static ISiloBuilder AddStationMemoryStorage(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton<InProcessStateStore>();
        silo.Services.AddGrainStorage(StationGrain.StorageName, (sp, name) => new InProcessGrainStorage(
            name,
            sp.GetRequiredService<InProcessStateStore>(),
            ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp)));
        return silo;
    }
}
