using EvSwap.Orleans.DynamoDB.TestSilo;
using EvSwap.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace EvSwap.Orleans.DynamoDB.Tests;

/// <summary>
/// Real silos (child processes, so "kill" is a real kill with no goodbye) forming clusters through the DynamoDB
/// membership table and keeping grain state in DynamoDB. Deadlines below only stop a hung test; they are not
/// what the tests assert.
/// </summary>
public sealed class ClusterTests(DynaliteFixture dynalite) : IClassFixture<DynaliteFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly List<SiloProcess> _silos = [];
    private readonly string _clusterId = DynaliteFixture.UniqueName("cluster");
    private readonly string _membershipTable = DynaliteFixture.UniqueName("membership");
    private readonly string _grainTable = DynaliteFixture.UniqueName("grains");
    private IHost? _client;
    private DynamoDBMembershipTable? _table;

    [Fact]
    public async Task Hard_killed_silo_is_declared_dead_its_grains_return_on_survivors_with_their_state_and_its_row_is_cleaned_up()
    {
        await Task.WhenAll(StartSiloAsync(), StartSiloAsync(), StartSiloAsync());
        await EventuallyAsync("three active silos in the table", async () => (await ActiveRowsAsync()).Count == 3);
        var grains = await ConnectClientAsync();

        var stations = Enumerable.Range(1, 30).Select(i => $"st-{i:D4}").ToList();
        var placed = new Dictionary<string, string>();
        foreach (var station in stations)
        {
            var reading = await grains.GetGrain<ICounterGrain>(station).Increment();
            Assert.Equal(1, reading.Count);
            placed[station] = reading.Silo;
        }

        Assert.True(placed.Values.Distinct().Count() >= 2, "station grains should spread over the silos: " + string.Join(", ", placed.Values.Distinct()));

        var victimAddress = placed.Values.GroupBy(s => s).OrderByDescending(g => g.Count()).First().Key;
        var victim = _silos.Single(s => victimAddress.StartsWith($"127.0.0.1:{s.SiloPort}@", StringComparison.Ordinal));
        await victim.KillAsync();

        await EventuallyAsync("the killed silo declared dead", async () => (await RowAsync(victimAddress))?.Status == SiloStatus.Dead);

        foreach (var station in placed.Where(p => p.Value == victimAddress).Select(p => p.Key))
        {
            var reading = await CallAsync(() => grains.GetGrain<ICounterGrain>(station).Get());
            Assert.Equal(1, reading.Count);
            Assert.NotEqual(victimAddress, reading.Silo);

            // The new activation read the stored ETag, so it can write on top of the crashed one's state.
            Assert.Equal(2, (await CallAsync(() => grains.GetGrain<ICounterGrain>(station).Increment())).Count);
        }

        await EventuallyAsync("the dead silo's row removed by defunct-silo cleanup", async () => await RowAsync(victimAddress) is null);

        await StartSiloAsync();
        await EventuallyAsync("a silo started later joins as the third active silo", async () => (await ActiveRowsAsync()).Count == 3);
    }

    [Fact]
    public async Task Silo_restarted_on_the_same_ports_right_after_a_kill_joins_without_manual_cleanup()
    {
        await Task.WhenAll(StartSiloAsync(), StartSiloAsync());
        await EventuallyAsync("two active silos in the table", async () => (await ActiveRowsAsync()).Count == 2);
        var grains = await ConnectClientAsync();
        Assert.Equal(1, (await grains.GetGrain<ICounterGrain>("st-restart").Increment()).Count);

        var crashed = _silos[1];
        var oldRows = await ActiveRowsAsync();
        var oldAddress = oldRows.Single(r => r.SiloAddress.Endpoint.Port == crashed.SiloPort).SiloAddress;
        await crashed.KillAsync();

        // Same ports, new process, while the table still says the old one is Active.
        await StartSiloAsync(crashed.SiloPort, crashed.GatewayPort);

        await EventuallyAsync("the restarted silo active and its predecessor dead or gone", async () =>
        {
            var rows = (await Table().ReadAllAsync(CancellationToken.None)).Members.Select(m => m.Item1).ToList();
            var successor = rows.SingleOrDefault(r => r.SiloAddress.Endpoint.Port == crashed.SiloPort && r.SiloAddress.Generation != oldAddress.Generation);
            var predecessor = rows.SingleOrDefault(r => r.SiloAddress.Equals(oldAddress));
            return successor?.Status == SiloStatus.Active && predecessor?.Status is null or SiloStatus.Dead && rows.Count(r => r.Status == SiloStatus.Active) == 2;
        });

        Assert.Equal(2, (await CallAsync(() => grains.GetGrain<ICounterGrain>("st-restart").Increment())).Count);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync(new CancellationToken(canceled: true)).ContinueWith(_ => { });
            _client.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.KillAsync();
        }

        _table?.Dispose();
    }

    private async Task<SiloProcess> StartSiloAsync(int? siloPort = null, int? gatewayPort = null)
    {
        var silo = await SiloProcess.StartAsync(dynalite.ServiceUrl, _clusterId, _membershipTable, _grainTable, siloPort ?? SiloProcess.NewPort(), gatewayPort ?? SiloProcess.NewPort());
        lock (_silos)
        {
            _silos.Add(silo);
        }

        return silo;
    }

    private async Task<IClusterClient> ConnectClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = _clusterId;
                o.ServiceId = SiloProcess.ServiceId;
            });
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            client.UseDynamoDBClustering(o =>
            {
                dynalite.Configure(o);
                o.MembershipTableName = _membershipTable;
            });
        });
        _client = builder.Build();
        await _client.StartAsync();
        return _client.Services.GetRequiredService<IClusterClient>();
    }

    private DynamoDBMembershipTable Table() => _table ??= new DynamoDBMembershipTable(
        Options.Create(dynalite.Configure(new DynamoDBClusteringOptions { MembershipTableName = _membershipTable, CreateIfNotExists = false })),
        Options.Create(new ClusterOptions { ClusterId = _clusterId, ServiceId = SiloProcess.ServiceId }),
        NullLogger<DynamoDBMembershipTable>.Instance);

    private async Task<List<MembershipEntry>> ActiveRowsAsync() =>
        (await Table().ReadAllAsync(CancellationToken.None)).Members.Select(m => m.Item1).Where(e => e.Status == SiloStatus.Active).ToList();

    private async Task<MembershipEntry?> RowAsync(string siloAddress) =>
        (await Table().ReadAllAsync(CancellationToken.None)).Members.Select(m => m.Item1).SingleOrDefault(e => e.SiloAddress.ToParsableString() == siloAddress);

    /// <summary>A grain call right after a failure may hit the dead silo's stale directory entry once; the caller retries like a real client.</summary>
    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (DateTime.UtcNow < deadline && ex is not Xunit.Sdk.XunitException)
            {
                await Task.Delay(500);
            }
        }
    }

    private async Task EventuallyAsync(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                var rows = (await Table().ReadAllAsync(CancellationToken.None)).Members.Select(m => $"{m.Item1.SiloAddress} {m.Item1.Status}");
                var logs = string.Join("\n---\n", _silos.Select(s => s.Output[^Math.Min(s.Output.Length, 3000)..]));
                Assert.Fail($"Gave up waiting for {what}. Table: {string.Join("; ", rows)}\nSilo output tails:\n{logs}");
            }

            await Task.Delay(250);
        }
    }
}

/// <summary>One TestSilo child process. Disposing or killing it ends the process without any shutdown.</summary>
internal sealed class SiloProcess
{
    public const string ServiceId = "evswap-cluster-tests";

    private static readonly HashSet<int> HandedOut = [];

    private readonly StandInProcess _process;

    private SiloProcess(StandInProcess process, int siloPort, int gatewayPort)
    {
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public string Output => _process.Output;

    public static async Task<SiloProcess> StartAsync(string serviceUrl, string clusterId, string membershipTable, string grainTable, int siloPort, int gatewayPort)
    {
        // Ready means the gateway port accepts connections, which Orleans opens once the silo is active.
        var process = await StandInProcess.StartAsync(
            $"silo:{siloPort}",
            "dotnet",
            [
                SiloDll(),
                $"--DynamoDB:ServiceUrl={serviceUrl}",
                "--DynamoDB:Region=us-east-1",
                $"--DynamoDB:MembershipTableName={membershipTable}",
                $"--DynamoDB:GrainStateTableName={grainTable}",
                "--DynamoDB:CreateIfNotExists=true",
                $"--Orleans:ClusterId={clusterId}",
                $"--Orleans:ServiceId={ServiceId}",
                $"--Orleans:SiloPort={siloPort}",
                $"--Orleans:GatewayPort={gatewayPort}",
                "--Test:FastMembership=true",
                "--Logging:LogLevel:Default=Warning",
            ],
            gatewayPort,
            timeout: TimeSpan.FromSeconds(90));

        // An open port alone could be someone else's; the silo says when its host has started.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!process.Output.Contains("silo-started", StringComparison.Ordinal))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = process.Output;
                await process.DisposeAsync();
                throw new InvalidOperationException($"Silo on port {siloPort} did not start:\n{output}");
            }

            await Task.Delay(100);
        }

        return new SiloProcess(process, siloPort, gatewayPort);
    }

    public async Task KillAsync() => await _process.DisposeAsync();

    /// <summary>A free port not given to any other silo of this test run (FreePort alone may repeat one just released).</summary>
    public static int NewPort()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var port = FreePort.Next();
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>The TestSilo's own build output (it has its own runtimeconfig and deps), next to this test's.</summary>
    private static string SiloDll()
    {
        var testBin = AppContext.BaseDirectory;
        var siloBin = testBin.Replace("EvSwap.Orleans.DynamoDB.Tests", "EvSwap.Orleans.DynamoDB.TestSilo", StringComparison.Ordinal);
        var dll = Path.Combine(siloBin, "EvSwap.Orleans.DynamoDB.TestSilo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the cluster tests run the TestSilo from its output folder.", dll);
    }
}
