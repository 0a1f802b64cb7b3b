using EvSwap.Archive.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.IngestLog.S3;

public static class S3IngestLogServiceCollectionExtensions
{
    /// <summary>
    /// <c>IngestLog:Provider=S3</c>: the log in the <c>S3:Bucket</c> (the archive's bucket) under <c>ingest-log/</c>.
    /// Needs <see cref="IngestLogName"/> and <see cref="IngestLogMetrics"/> registered (the bridge's AddIngestLog does).
    /// </summary>
    public static IServiceCollection AddS3IngestLog(this IServiceCollection services)
    {
        services.AddSingleton<IIngestLog>(sp =>
        {
            var s3 = sp.GetRequiredService<IOptions<S3Options>>().Value;
            return new S3IngestLog(S3ArchiveStore.CreateClient(s3), s3.Bucket!, sp.GetRequiredService<IngestLogName>().Own,
                sp.GetRequiredService<IOptions<IngestLogOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<S3IngestLog>>(), sp.GetRequiredService<IngestLogMetrics>());
        });
        return services;
    }
}
