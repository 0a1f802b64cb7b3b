using EvSwap.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EvSwap.Archive.S3;

public static class S3ArchiveServiceCollectionExtensions
{
    /// <summary><c>Archive:Provider=S3</c>: the archive in the bucket of the <c>S3</c> section.</summary>
    public static IServiceCollection AddS3Archive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTelemetryArchive(configuration);
        services.AddCheckedOptions<S3Options>(configuration, S3Options.Section);
        services.AddSingleton<S3ArchiveStore>();
        services.AddSingleton<IArchiveStore>(sp => sp.GetRequiredService<S3ArchiveStore>());
        services.AddHostedService<BucketInitializer>();
        return services;
    }

    private sealed class BucketInitializer(S3ArchiveStore store, IOptions<S3Options> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            options.Value.CreateBucketIfNotExists ? store.EnsureBucketAsync(cancellationToken) : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
