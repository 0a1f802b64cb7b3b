using EvSwap.Bridge;
using EvSwap.Bridge.DynamoDB;
using EvSwap.Grains;
using Orleans.Configuration;

namespace EvSwap.Silo;

/// <summary>The Orleans silo of the host: identity, endpoints, membership, grain storage and the stop budget of a grain.</summary>
internal static class OrleansHostExtensions
{
    public static WebApplicationBuilder AddEvSwapOrleans(this WebApplicationBuilder builder, OrleansHostOptions orleans, BackendOptions backends, ShutdownBudget shutdown)
    {
        var config = builder.Configuration;
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = orleans.ClusterId;
                o.ServiceId = orleans.ServiceId;
            });

            if (backends.IsLocalhostClustering)
            {
                silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, null, orleans.ServiceId, orleans.ClusterId);
            }
            else
            {
                silo.UseDynamoDBClustering(o => config.GetSection("DynamoDB").Bind(o));
                // A bridge may feed a station whose grain lives on another silo; that silo holds it to its own budget.
                silo.AddIncomingGrainCallFilter<UnarchivedBudgetFilter>();
            }

            // Each grain's OnDeactivateAsync (its last archive write and state write) runs under this.
            silo.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = shutdown.GrainFlush);
            silo.Configure<EndpointOptions>(o =>
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
            silo.Services.Configure<ClusterMembershipOptions>(config.GetSection("Orleans:Membership"));

            if (backends.IsMemoryStorage)
            {
                silo.AddStationMemoryStorage();
                silo.AddAlarmFileStorage();
                silo.AddBatterySqliteStorage();
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
        if (!backends.IsLocalhostClustering && string.Equals(config[$"{MqttOptions.Section}:{nameof(MqttOptions.Mode)}"], nameof(MqttMode.External), StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddDynamoDBClientIdLeases(o => config.GetSection("DynamoDB").Bind(o));
        }

        return builder;
    }
}
