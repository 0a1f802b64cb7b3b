using EvSwap.Hosting;
using EvSwap.IngestLog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Bridge;

public static class IngestLogServiceCollectionExtensions
{
    /// <summary>
    /// The ingest log chosen by <c>IngestLog:Provider</c> and the service that replays and retires it. Call before
    /// Orleans is added: hosted services stop in reverse order, so the log closes only after the grains flushed.
    /// </summary>
    /// <param name="identity">Which log is this silo's and which is each member's (see <see cref="IngestLogIdentity"/>).</param>
    public static IServiceCollection AddIngestLog(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, IngestLogIdentity> identity)
    {
        services.AddSingleton(identity);
        services.AddSingleton(sp => new IngestLogName(sp.GetRequiredService<IngestLogIdentity>().Own));
        services.AddSingleton<ClusterArchiveHorizon>();
        services.AddSingleton<IngestLogReplay>();
        services.AddCheckedOptions<IngestLogOptions>(configuration, IngestLogOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IngestLogMetrics>();
        // TryAdd: a backend in a project of its own (AddS3IngestLog) registered first is kept.
        services.TryAddSingleton<IIngestLog>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<IngestLogOptions>>().Value;
            return options.Provider switch
            {
                IngestLogProvider.None => new NoIngestLog(),
                IngestLogProvider.S3 => throw new InvalidOperationException("IngestLog:Provider=S3 needs AddS3IngestLog() before AddIngestLog()."),
                _ => new FileSystemIngestLog(Path.Combine(Path.GetFullPath(options.Path), sp.GetRequiredService<IngestLogIdentity>().Own), options, sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<FileSystemIngestLog>>(), sp.GetRequiredService<IngestLogMetrics>()),
            };
        });
        services.AddSingleton<IngestLogService>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestLogService>());
        services.AddHostedService<PeerLogService>();
        return services;
    }
}
