using EvSwap.Api;
using EvSwap.Archive;
using EvSwap.Archive.S3;
using EvSwap.Bridge;
using EvSwap.Bridge.DynamoDB;
using EvSwap.Console;
using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.IngestLog.S3;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EvSwap.Silo;

/// <summary>Builds the EvSwap host. Program.cs runs it; end-to-end tests build it with their own ports and paths.</summary>
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

        var app = builder.Build();
        app.MapEvSwapApi();
        app.MapEvSwapTelemetry();
        app.MapEvSwapDashboard();
        app.MapEvSwapConsole();
        app.Lifetime.ApplicationStarted.Register(() => LogWhereItListens(app));
        return app;
    }

    public static WebApplicationBuilder AddEvSwapSilo(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var validation = new StartupValidation(config);
        var orleans = validation.Bind<OrleansHostOptions>(OrleansHostOptions.Section);
        var mqtt = validation.Bind<MqttOptions>(MqttOptions.Section);
        var archive = validation.Bind<ArchiveOptions>(ArchiveOptions.Section);
        validation.Bind<StationOptions>(StationOptions.Section);
        var ledger = validation.Bind<EvSwap.Ledger.LedgerOptions>(EvSwap.Ledger.LedgerOptions.Section);
        var alarms = validation.Bind<AlarmOptions>(AlarmOptions.Section);
        var batteries = validation.Bind<BatteryOptions>(BatteryOptions.Section);
        validation.Bind<BatteryIndexOptions>(BatteryIndexOptions.Section);
        var ingestLog = validation.Bind<EvSwap.IngestLog.IngestLogOptions>(EvSwap.IngestLog.IngestLogOptions.Section);
        validation.Bind<FleetOptions>(FleetOptions.Section);
        validation.Bind<DownlinkOptions>(DownlinkOptions.Section);
        validation.Bind<ApiAuthOptions>(ApiAuthOptions.Section);
        validation.Bind<RateLimitOptions>(RateLimitOptions.Section);
        var shutdown = new ShutdownBudget(
            validation.Bind<SiloShutdownOptions>(SiloShutdownOptions.Section).ShutdownTimeout,
            config[$"{MqttOptions.Section}:{nameof(MqttOptions.DrainTimeout)}"] is null ? null : mqtt.DrainTimeout);
        validation.Check(shutdown);
        var backends = new BackendOptions
        {
            Clustering = config["Clustering:Provider"] ?? "Localhost",
            GrainStorage = config["GrainStorage:Provider"] ?? "Memory",
            Auth = config["Auth:Mode"] ?? "None",
        };
        validation.Check(backends);
        if (archive.Provider.Equals("S3", StringComparison.OrdinalIgnoreCase))
        {
            validation.Bind<S3Options>(S3Options.Section);
        }

        if (ingestLog.Provider == EvSwap.IngestLog.IngestLogProvider.S3 && !archive.Provider.Equals("S3", StringComparison.OrdinalIgnoreCase))
        {
            validation.Fail("IngestLog:Provider=S3 keeps the log in the archive's bucket: set Archive:Provider=S3 (and the S3 section) too, or use IngestLog:Provider=FileSystem.");
        }

        validation.ThrowIfInvalid();

        var services = builder.Services;
        services.AddSingleton(shutdown);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdown.Host);
        services.PostConfigure<MqttOptions>(o => o.DrainTimeout = shutdown.BridgeDrain);
        services.TryAddSingleton(TimeProvider.System);
        AddValidatedOptions<StationOptions>(services, config, StationOptions.Section);
        AddValidatedOptions<ArchiveOptions>(services, config, ArchiveOptions.Section);
        AddValidatedOptions<FleetOptions>(services, config, FleetOptions.Section);
        AddValidatedOptions<DownlinkOptions>(services, config, DownlinkOptions.Section);
        services.AddSingleton<DownlinkContext>();

        services.AddArchive(archive, config);
        services.AddLedger(ledger, config);

        // Before Orleans, so it closes after the grains flushed. A local silo keeps one name across restarts, so it finds
        // the log it left; in a cluster each silo's log is its own.
        var localhost = backends.Clustering.Equals("Localhost", StringComparison.OrdinalIgnoreCase);
        if (ingestLog.Provider == EvSwap.IngestLog.IngestLogProvider.S3)
        {
            services.AddS3IngestLog();
        }

        services.AddIngestLog(config, localhost
            ? _ => IngestLogIdentity.SingleSilo(orleans.ClusterId)
            : sp => IngestLogIdentity.InCluster(sp.GetRequiredService<global::Orleans.Runtime.ILocalSiloDetails>().SiloAddress));

        builder.UseOrleans(silo =>
        {
            silo.Configure<global::Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = orleans.ClusterId;
                o.ServiceId = orleans.ServiceId;
            });

            if (backends.Clustering.Equals("Localhost", StringComparison.OrdinalIgnoreCase))
            {
                silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, null, orleans.ServiceId, orleans.ClusterId);
            }
            else
            {
                silo.UseDynamoDBClustering(o => config.GetSection("DynamoDB").Bind(o));
            }

            // Each grain's OnDeactivateAsync (its last archive write and state write) runs under this.
            silo.Configure<global::Orleans.Configuration.GrainCollectionOptions>(o => o.DeactivationTimeout = shutdown.GrainFlush);

            silo.Configure<global::Orleans.Configuration.EndpointOptions>(o =>
            {
                o.SiloPort = orleans.SiloPort;
                o.GatewayPort = orleans.GatewayPort;
                o.AdvertisedIPAddress = orleans.AdvertisedAddress;
                if (!System.Net.IPAddress.IsLoopback(orleans.AdvertisedAddress))
                {
                    // In a container the advertised (task) address may not be bindable as such; listen everywhere.
                    o.SiloListeningEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Any, orleans.SiloPort);
                    o.GatewayListeningEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Any, orleans.GatewayPort);
                }
            });

            // Failure detection as Orleans defines it (ProbeTimeout, IAmAliveTablePublishTimeout, ...). A task that replaces a
            // crashed one waits until the dead silo is voted out or has missed its I-am-alive writes; tests shorten that.
            silo.Services.Configure<global::Orleans.Configuration.ClusterMembershipOptions>(config.GetSection("Orleans:Membership"));
            if (!backends.Clustering.Equals("Localhost", StringComparison.OrdinalIgnoreCase))
            {
                // A bridge may feed a station whose grain lives on another silo; that silo holds it to its own budget.
                silo.AddIncomingGrainCallFilter<UnarchivedBudgetFilter>();
            }

            if (backends.GrainStorage.Equals("Memory", StringComparison.OrdinalIgnoreCase))
            {
                silo.AddStationMemoryStorage();
                silo.AddAlarmFileStorage(alarms.Path);
                silo.AddBatteryFileStorage(batteries.Path);
            }
            else
            {
                silo.AddDynamoDBGrainStorage(StationGrain.StorageName, o => config.GetSection("DynamoDB").Bind(o));
                silo.AddDynamoDBGrainStorage(AlarmShardGrain.StorageName, o => config.GetSection("DynamoDB").Bind(o));
                silo.AddDynamoDBGrainStorage(BatteryGrain.StorageName, o => config.GetSection("DynamoDB").Bind(o));
            }
        });

        // The bridge's client ids are leased where the cluster keeps its membership: a replacement task then takes over
        // a dead task's client ids, and with them its persistent sessions and their unacknowledged messages.
        if (mqtt.Mode == MqttMode.External && backends.Clustering.Equals("DynamoDB", StringComparison.OrdinalIgnoreCase))
        {
            services.AddDynamoDBClientIdLeases(o => config.GetSection("DynamoDB").Bind(o));
        }

        // After Orleans: hosted services stop in reverse order, so the bridge drains before grains flush.
        services.AddTelemetryBridge(config, $"{orleans.AdvertisedAddress}-{orleans.SiloPort}");

        services.AddEvSwapApi(config);
        services.AddHealthChecks()
            .AddCheck("process", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy(), [ApiServiceCollectionExtensions.LiveTag])
            .AddCheck<SiloHealthCheck>("orleans", tags: [ApiServiceCollectionExtensions.ReadyTag])
            .AddCheck<BrokerLinkHealthCheck>("mqtt", tags: [ApiServiceCollectionExtensions.ReadyTag])
            .AddCheck<ArchiveHealthCheck>("archive", tags: [ApiServiceCollectionExtensions.ReadyTag])
            .AddCheck<IngestBudgetHealthCheck>("ingest-budget", tags: [ApiServiceCollectionExtensions.ReadyTag])
            .AddCheck<IngestLogHealthCheck>("ingest-log", tags: [ApiServiceCollectionExtensions.ReadyTag]);

        services.AddSingleton<StationMetrics>();
        services.AddAlarms(config);
        services.AddBatteries(config);

        if (backends.Auth.Equals("None", StringComparison.OrdinalIgnoreCase))
        {
            services.AddHostedService<AuthDisabledWarning>();
        }

        return builder;
    }

    private static void AddArchive(this IServiceCollection services, ArchiveOptions archive, IConfiguration config)
    {
        if (archive.Provider.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            // TryAdd: a host that brings its own store (a test putting the archive into an outage) keeps it.
            services.TryAddSingleton<IArchiveStore>(new FileSystemArchiveStore(archive.Path));
        }
        else
        {
            services.AddS3ArchiveStore(config);
        }

        services.AddSingleton(sp =>
        {
            var stopping = sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            return new TelemetryArchive(sp.GetRequiredService<IArchiveStore>(), archive.SeriesSummaries, () => !stopping.IsCancellationRequested);
        });
        services.AddSingleton<ArchiveProgress>();
        services.AddSingleton(sp => UnarchivedBudget.For(sp.GetRequiredService<IOptions<ArchiveOptions>>().Value));
    }

    private static void AddValidatedOptions<T>(IServiceCollection services, IConfiguration config, string section) where T : class
    {
        services.AddOptions<T>().Bind(config.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
    }

    private static void LogWhereItListens(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EvSwap");
        var orleans = app.Configuration.GetSection(OrleansHostOptions.Section).Get<OrleansHostOptions>() ?? new();
        var mqtt = app.Services.GetRequiredService<IOptions<MqttOptions>>().Value;
        var archive = app.Services.GetRequiredService<IOptions<ArchiveOptions>>().Value;
        var store = app.Services.GetRequiredService<IArchiveStore>();
        var budget = app.Services.GetRequiredService<UnarchivedBudget>();
        var deadLetters = app.Services.GetRequiredService<DeadLetterQueue>();
        logger.LogInformation(
            "EvSwap silo started.\n  API:      {Urls} (OpenAPI /openapi/v1.json, UI /swagger, metrics /metrics)\n  MQTT:     {Mode} broker mqtt://{Host}:{Port}, topic {Topic}\n  Orleans:  cluster '{ClusterId}', silo port {SiloPort}, gateway port {GatewayPort}, advertised {Ip}\n  Archive:  {Archive}\n  Memory:   at most {Unarchived} MiB unarchived telemetry (raw) and {Rejected} MiB of dead letters held, of {Available} MiB available\n  Shutdown: {Shutdown}",
            string.Join(", ", app.Urls),
            mqtt.Mode, mqtt.Host, mqtt.Port, TelemetryTopic.Filter,
            orleans.ClusterId, orleans.SiloPort, orleans.GatewayPort, orleans.AdvertisedAddress,
            store switch { FileSystemArchiveStore fs => fs.Root, S3ArchiveStore s3 => "s3://" + s3.Bucket, _ => archive.Provider },
            budget.LimitBytes >> 20, deadLetters.MaxBytes >> 20, UnarchivedBudget.AvailableMemoryBytes() >> 20,
            app.Services.GetRequiredService<ShutdownBudget>());
    }
}

internal sealed class AuthDisabledWarning(ILogger<AuthDisabledWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("Auth:Mode=None: the API accepts every request without authentication. Use Auth:Mode=Jwt outside a developer machine.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
