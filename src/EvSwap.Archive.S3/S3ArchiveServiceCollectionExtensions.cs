using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EvSwap.Archive.S3;

public static class S3ArchiveServiceCollectionExtensions
{
    /// <summary>The S3 archive store from the <c>S3</c> configuration section, validated at startup.</summary>
    public static IServiceCollection AddS3ArchiveStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<S3Options>().Bind(configuration.GetSection(S3Options.Section)).ValidateDataAnnotations().ValidateOnStart();
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
