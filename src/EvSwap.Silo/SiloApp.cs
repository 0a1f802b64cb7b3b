using System.Globalization;
using EvSwap.Api;
using EvSwap.Archive;
using EvSwap.Archive.S3;
using EvSwap.Bridge;
using EvSwap.Console;
using EvSwap.Grains;
using EvSwap.Hosting;
using EvSwap.IngestLog.S3;
using EvSwap.Ledger.DynamoDB;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EvSwap.Silo;

/// <summary>
/// Composes the EvSwap host from the extension methods each project owns, in the order the host must stop in reverse.
/// Program.cs runs it; end-to-end tests build it with their own ports and paths.
/// </summary>
public static class SiloApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Settings ship next to the binary; relative data paths (Archive:Path) stay relative to the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        builder.AddEvSwapSilo();
        builder.AddEvSwapTelemetry();
        builder.AddEvSwapDashboard();
        builder.AddEvSwapConsole();
        // Every section was checked while composing; one start lists every problem.
        builder.Services.ThrowIfConfigurationInvalid();

        var app = builder.Build();
        app.MapEvSwapApi();
        app.MapEvSwapTelemetry();
        app.MapEvSwapDashboard();
        app.MapEvSwapConsole();
        app.Lifetime.ApplicationStarted.Register(() => SiloBanner.Log(app));
        return app;
    }

    public static WebApplicationBuilder AddEvSwapSilo(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var services = builder.Services;
        var check = services.ConfigurationCheck();
        var orleans = services.AddCheckedOptions<OrleansHostOptions>(config, OrleansHostOptions.Section);
        var backends = BackendOptions.From(config);
        check.Check(backends);
        var shutdown = services.AddShutdownBudget(config);

        var s3Archive = IsS3(config[$"{ArchiveOptions.Section}:{nameof(ArchiveOptions.Provider)}"]);
        var s3IngestLog = IsS3(config[$"{EvSwap.IngestLog.IngestLogOptions.Section}:{nameof(EvSwap.IngestLog.IngestLogOptions.Provider)}"]);
        if (s3IngestLog && !s3Archive)
        {
            check.Fail("IngestLog:Provider=S3 keeps the log in the archive's bucket: set Archive:Provider=S3 (and the S3 section) too, or use IngestLog:Provider=FileSystem.");
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddStationGrains(config);
        if (s3Archive)
        {
            services.AddS3Archive(config);
        }
        else
        {
            services.AddFileSystemArchive(config);
        }

        // Before Orleans, so both close after the grains flushed (hosted services stop in reverse order). A local silo
        // keeps one log name across restarts, so it finds the log it left; in a cluster each silo's log is its own.
        services.AddLedger(config);
        if (s3IngestLog)
        {
            services.AddS3IngestLog();
        }

        services.AddIngestLog(config, backends.IsLocalhostClustering
            ? _ => IngestLogIdentity.SingleSilo(orleans.ClusterId)
            : sp => IngestLogIdentity.InCluster(sp.GetRequiredService<global::Orleans.Runtime.ILocalSiloDetails>().SiloAddress));

        builder.AddEvSwapOrleans(orleans, backends, shutdown);

        // After Orleans: hosted services stop in reverse order, so the bridge drains before grains flush.
        services.AddTelemetryBridge(config, $"{orleans.AdvertisedAddress}-{orleans.SiloPort}");
        services.AddEvSwapApi(config);
        services.AddEvSwapHealthChecks();
        services.AddAlarms(config);
        services.AddBatteries(config);
        if (!backends.IsJwt)
        {
            services.AddHostedService<AuthDisabledWarning>();
        }

        return builder;
    }

    /// <summary>
    /// <c>Silo:ShutdownTimeout</c> split between the host, the bridge drain (<c>Mqtt:DrainTimeout</c> when set) and the
    /// grain flush. An unreadable drain timeout is the <c>Mqtt</c> section's to report.
    /// </summary>
    private static ShutdownBudget AddShutdownBudget(this IServiceCollection services, IConfiguration config)
    {
        var stop = services.AddCheckedOptions<SiloShutdownOptions>(config, SiloShutdownOptions.Section).ShutdownTimeout;
        var drain = TimeSpan.TryParse(config[$"{MqttOptions.Section}:{nameof(MqttOptions.DrainTimeout)}"], CultureInfo.InvariantCulture, out var d) ? d : (TimeSpan?)null;
        var shutdown = new ShutdownBudget(stop, drain);
        services.ConfigurationCheck().Check(shutdown);
        services.AddSingleton(shutdown);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdown.Host);
        services.PostConfigure<MqttOptions>(o => o.DrainTimeout = shutdown.BridgeDrain);
        return shutdown;
    }

    private static bool IsS3(string? provider) => string.Equals(provider, "S3", StringComparison.OrdinalIgnoreCase);
}
