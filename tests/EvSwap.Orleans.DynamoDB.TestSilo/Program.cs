using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

// Configuration keys are the silo host's: Orleans:ClusterId, Orleans:ServiceId, Orleans:SiloPort,
// Orleans:GatewayPort and the DynamoDB section. Test:FastMembership=true shortens failure detection and
// defunct-row cleanup to seconds for the cluster tests; the measurement runs with Orleans' defaults.
var builder = Host.CreateApplicationBuilder(args);
var config = builder.Configuration;
var fast = config.GetValue<bool>("Test:FastMembership");

builder.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(o =>
    {
        o.ClusterId = config["Orleans:ClusterId"] ?? "local";
        o.ServiceId = config["Orleans:ServiceId"] ?? "evswap";
    });
    silo.ConfigureEndpoints(IPAddress.Loopback, config.GetValue<int>("Orleans:SiloPort"), config.GetValue<int>("Orleans:GatewayPort"));
    silo.UseDynamoDBClustering(o => config.GetSection("DynamoDB").Bind(o));
    silo.AddDynamoDBGrainStorage("dynamo", o => config.GetSection("DynamoDB").Bind(o));
    if (fast)
    {
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
            // Cleanup removes every row that is not Active once it is this old, Joining rows included (as Orleans
            // does): it must exceed the longest join, which on a loaded 2-core machine takes several seconds.
            o.DefunctSiloExpiration = TimeSpan.FromSeconds(15);
            o.DefunctSiloMinimumRetention = TimeSpan.FromSeconds(15);
            o.DefunctSiloCleanupPeriod = TimeSpan.FromSeconds(2);
        });
    }
});

// Prints this silo's membership table requests so a test or script can read them from stdout.
var requests = 0L;
using var listener = new MeterListener();
listener.InstrumentPublished = (instrument, l) =>
{
    if (instrument.Meter.Name == "EvSwap.Orleans.DynamoDB" && instrument.Name == "evswap.dynamodb.requests")
    {
        l.EnableMeasurementEvents(instrument);
    }
};
listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
{
    foreach (var tag in tags)
    {
        if (tag.Key == "role" && (string?)tag.Value == "membership")
        {
            Interlocked.Add(ref requests, value);
        }
    }
});
listener.Start();

var host = builder.Build();
await host.StartAsync();
var clock = Stopwatch.StartNew();
Console.WriteLine("silo-started");
var reportEvery = TimeSpan.FromSeconds(config.GetValue("Test:ReportSeconds", 10));
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
while (!lifetime.ApplicationStopping.IsCancellationRequested)
{
    try
    {
        await Task.Delay(reportEvery, lifetime.ApplicationStopping);
    }
    catch (OperationCanceledException)
    {
    }

    Console.WriteLine($"membership-requests total={Interlocked.Read(ref requests)} seconds={clock.Elapsed.TotalSeconds:F0}");
}

await host.StopAsync();
