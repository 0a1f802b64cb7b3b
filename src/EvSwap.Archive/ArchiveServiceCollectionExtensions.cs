using EvSwap.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EvSwap.Archive;

public static class ArchiveServiceCollectionExtensions
{
    /// <summary>The archive in the directory <c>Archive:Path</c>, with the same key layout as S3.</summary>
    public static IServiceCollection AddFileSystemArchive(this IServiceCollection services, IConfiguration configuration)
    {
        var archive = services.AddTelemetryArchive(configuration);
        // TryAdd: a host that brings its own store (a test putting the archive into an outage) keeps it.
        services.TryAddSingleton<IArchiveStore>(new FileSystemArchiveStore(archive.Path));
        return services;
    }

    /// <summary>
    /// What every archive needs above its store (<see cref="IArchiveStore"/>, registered by the backend's own
    /// <c>Add...Archive</c>): the <c>Archive</c> section, the batch writer, the archived-progress record and the memory budget.
    /// </summary>
    public static ArchiveOptions AddTelemetryArchive(this IServiceCollection services, IConfiguration configuration)
    {
        var archive = services.AddCheckedOptions<ArchiveOptions>(configuration, ArchiveOptions.Section);
        services.AddSingleton(sp =>
        {
            var stopping = sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var options = sp.GetRequiredService<IOptions<ArchiveOptions>>().Value;
            return new TelemetryArchive(sp.GetRequiredService<IArchiveStore>(), options.SeriesSummaries, () => !stopping.IsCancellationRequested);
        });
        services.TryAddSingleton<ArchiveProgress>();
        services.TryAddSingleton(sp => UnarchivedBudget.For(sp.GetRequiredService<IOptions<ArchiveOptions>>().Value));
        return archive;
    }
}
