using EvSwap.Contracts;
using EvSwap.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EvSwap.Grains;

public static class StationGrainsServiceCollectionExtensions
{
    /// <summary>
    /// What the station, fleet index and downlink grains need from their silo: the <c>Station</c>, <c>Fleet</c> and
    /// <c>Downlink</c> sections, their metrics and the downlink's context. Their storage (<see cref="StationGrain.StorageName"/>)
    /// and the archive are chosen apart.
    /// </summary>
    public static IServiceCollection AddStationGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<StationOptions>(configuration, StationOptions.Section);
        services.AddCheckedOptions<FleetOptions>(configuration, FleetOptions.Section);
        services.AddCheckedOptions<DownlinkOptions>(configuration, DownlinkOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<StationMetrics>();
        services.TryAddSingleton<DownlinkMetrics>();
        services.TryAddSingleton<DownlinkContext>();
        return services;
    }
}
