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
    /// <param name="logName">This silo's folder in the log: the same name after a restart, so the silo finds what it left.</param>
    public static IServiceCollection AddIngestLog(this IServiceCollection services, IConfiguration configuration, string logName)
    {
        services.AddOptions<IngestLogOptions>().Bind(configuration.GetSection(IngestLogOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IngestLogMetrics>();
        services.AddSingleton<IIngestLog>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<IngestLogOptions>>().Value;
            return options.Provider switch
            {
                IngestLogProvider.None => new NoIngestLog(),
                _ => new FileSystemIngestLog(Path.Combine(Path.GetFullPath(options.Path), logName), options, sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<FileSystemIngestLog>>(), sp.GetRequiredService<IngestLogMetrics>()),
            };
        });
        services.AddSingleton<IngestLogService>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestLogService>());
        return services;
    }
}
