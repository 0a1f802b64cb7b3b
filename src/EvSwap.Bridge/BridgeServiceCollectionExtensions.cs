using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Hosting;
using EvSwap.IngestLog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EvSwap.Bridge;

public static class BridgeServiceCollectionExtensions
{
    /// <summary>
    /// The embedded broker (when <c>Mqtt:Mode=Embedded</c>), the bridge and its dead-letter queue. Call after
    /// Orleans is added: hosted services stop in reverse order, so the bridge drains before grains deactivate.
    /// </summary>
    public static IServiceCollection AddTelemetryBridge(this IServiceCollection services, IConfiguration configuration, string identity)
    {
        var mqtt = services.AddCheckedOptions<MqttOptions>(configuration, MqttOptions.Section);
        services.AddSingleton(BridgeIdentity.From(identity));
        services.TryAddSingleton(sp => UnarchivedBudget.For(sp.GetRequiredService<IOptions<ArchiveOptions>>().Value));
        services.AddSingleton<BridgeMetrics>();
        services.AddSingleton<TelemetryIngestor>();

        // A host without AddIngestLog (a test of the bridge alone) acknowledges without a log.
        services.TryAddSingleton<IIngestLog, NoIngestLog>();
        services.TryAddSingleton<InFlightReceipts>();
        services.TryAddSingleton<IngestJournal>();
        services.AddSingleton<DeadLetterQueue>();
        services.AddSingleton<TelemetryBridge>();
        services.AddSingleton<CommandResultIngestor>();
        services.AddSingleton<ICommandPublisher, MqttCommandPublisher>();

        // Client id leases live in process unless the host registered a shared store (DynamoDB) before this call.
        services.TryAddSingleton<IClientIdLeaseStore, InMemoryClientIdLeaseStore>();
        services.TryAddSingleton(TimeProvider.System);

        if (mqtt.Mode == MqttMode.Embedded)
        {
            services.AddSingleton<EmbeddedReceiver>();
            services.AddSingleton<EmbeddedBroker>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        }

        // Registered in this order so they stop bridge first, then dead letters, then the broker.
        services.AddHostedService(sp => sp.GetRequiredService<DeadLetterQueue>());
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryBridge>());
        return services;
    }
}
