using EvSwap.Archive;
using EvSwap.Archive.S3;
using EvSwap.Bridge;
using EvSwap.Contracts;
using Microsoft.Extensions.Options;

namespace EvSwap.Silo;

/// <summary>The lines a started silo prints: where everything listens and what it may hold.</summary>
internal static class SiloBanner
{
    public static void Log(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EvSwap");
        var orleans = app.Services.GetRequiredService<IOptions<OrleansHostOptions>>().Value;
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
