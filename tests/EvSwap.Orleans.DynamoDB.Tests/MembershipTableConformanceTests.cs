using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

using static EvSwap.Orleans.DynamoDB.Tests.MembershipRows;

namespace EvSwap.Orleans.DynamoDB.Tests;

/// <summary>The Orleans IMembershipTable contract, case by case, against dynalite.</summary>
public sealed class MembershipTableConformanceTests(DynaliteFixture dynalite) : IClassFixture<DynaliteFixture>
{
    [Fact]
    public async Task Empty_table_reads_version_zero_with_a_non_empty_etag()
    {
        var table = await CreateTableAsync();

        var data = await table.ReadAllAsync(CancellationToken.None);

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.False(string.IsNullOrEmpty(data.Version.VersionEtag));
    }

    [Fact]
    public async Task Insert_then_read_returns_the_row_and_the_new_version_atomically()
    {
        var table = await CreateTableAsync();
        var entry = NewEntry();
        entry.SuspectTimes = [Tuple.Create(NewAddress(), Seconds(DateTime.UtcNow))];
        entry.RoleName = "silo";

        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        var row = await table.ReadRowAsync(entry.SiloAddress, CancellationToken.None);
        Assert.Equal(1, row.Version.Version);
        var (read, etag) = Assert.Single(row.Members);
        Assert.False(string.IsNullOrEmpty(etag));
        AssertSameEntry(entry, read);
    }

    [Fact]
    public async Task Duplicate_insert_returns_false_and_changes_nothing()
    {
        var table = await CreateTableAsync();
        var entry = NewEntry();
        var first = (await table.ReadAllAsync(CancellationToken.None)).Version.Next();
        Assert.True(await table.InsertRowAsync(entry, first, CancellationToken.None));

        // Same row with the now stale version, a new row with the stale version, same row with the fresh version.
        Assert.False(await table.InsertRowAsync(entry, first, CancellationToken.None));
        Assert.False(await table.InsertRowAsync(NewEntry(), first, CancellationToken.None));
        var current = await table.ReadAllAsync(CancellationToken.None);
        Assert.False(await table.InsertRowAsync(entry, current.Version.Next(), CancellationToken.None));

        var after = await table.ReadAllAsync(CancellationToken.None);
        Assert.Single(after.Members);
        Assert.Equal(current.Version, after.Version);
    }

    [Fact]
    public async Task Twenty_parallel_inserts_of_one_row_exactly_one_wins()
    {
        var table = await CreateTableAsync();
        var entry = NewEntry();
        var version = (await table.ReadAllAsync(CancellationToken.None)).Version.Next();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => table.InsertRowAsync(entry, version, CancellationToken.None))));

        Assert.Single(results, ok => ok);
        var data = await table.ReadAllAsync(CancellationToken.None);
        Assert.Single(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task Twenty_parallel_inserts_of_different_rows_on_one_version_exactly_one_wins()
    {
        // The table version, not just the row, is the unit of contention: two silos cannot both join on one read.
        var table = await CreateTableAsync();
        Assert.True(await table.InsertRowAsync(NewEntry(), (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var version = (await table.ReadAllAsync(CancellationToken.None)).Version.Next();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => table.InsertRowAsync(NewEntry(), version, CancellationToken.None))));

        Assert.Single(results, ok => ok);
        var data = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(2, data.Members.Count);
        Assert.Equal(2, data.Version.Version);
    }

    [Fact]
    public async Task Nineteen_contended_updates_retried_on_conflict_end_at_the_expected_version()
    {
        var table = await CreateTableAsync();
        var entry = NewEntry();
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, 19).Select(async _ =>
        {
            await start.Task;
            var attempts = 0;
            while (true)
            {
                attempts++;
                var data = await table.ReadAllAsync(timeout.Token);
                var (row, etag) = Row(data, entry.SiloAddress);
                if (await table.UpdateRowAsync(row, etag, data.Version.Next(), timeout.Token))
                {
                    return attempts;
                }
            }
        }).ToArray();
        start.SetResult();
        var attempts = await Task.WhenAll(workers);

        var final = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(20, final.Version.Version);
        Assert.Single(final.Members);
        Assert.True(attempts.Sum() > 19, "the updates should have contended at least once");
    }

    [Fact]
    public async Task Update_with_stale_table_etag_or_stale_row_etag_or_missing_row_returns_false_without_side_effects()
    {
        var table = await CreateTableAsync();
        var entry = NewEntry();
        var v1 = (await table.ReadAllAsync(CancellationToken.None)).Version.Next();
        Assert.True(await table.InsertRowAsync(entry, v1, CancellationToken.None));
        var read = await table.ReadAllAsync(CancellationToken.None);
        var etag = Row(read, entry.SiloAddress).Item2;

        Assert.False(await table.UpdateRowAsync(entry, etag, v1, CancellationToken.None));
        entry.Status = SiloStatus.Active;
        Assert.True(await table.UpdateRowAsync(entry, etag, read.Version.Next(), CancellationToken.None));
        var updated = await table.ReadAllAsync(CancellationToken.None);
        Assert.NotEqual(etag, Row(updated, entry.SiloAddress).Item2);

        entry.Status = SiloStatus.Dead;
        Assert.False(await table.UpdateRowAsync(entry, etag, updated.Version.Next(), CancellationToken.None));
        Assert.False(await table.UpdateRowAsync(NewEntry(), etag, updated.Version.Next(), CancellationToken.None));

        var after = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(updated.Version, after.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(after.Members).Item1.Status);
    }

    [Fact]
    public async Task UpdateIAmAlive_changes_only_the_heartbeat_and_leaves_version_and_etags()
    {
        var table = await CreateTableAsync();
        var entry = NewEntry();
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var before = await table.ReadAllAsync(CancellationToken.None);
        var (_, rowETag) = Assert.Single(before.Members);

        var alive = Seconds(DateTime.UtcNow.AddSeconds(5));
        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive }, CancellationToken.None);

        var after = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(before.Version, after.Version);
        var (row, rowETagAfter) = Assert.Single(after.Members);
        Assert.Equal(alive, row.IAmAliveTime);
        Assert.Equal(rowETag, rowETagAfter);
        entry.IAmAliveTime = alive;
        AssertSameEntry(entry, row);

        // What was read before the heartbeat still updates the row: heartbeats never invalidate a pending UpdateRow.
        entry.Status = SiloStatus.Active;
        Assert.True(await table.UpdateRowAsync(entry, rowETag, before.Version.Next(), CancellationToken.None));
    }

    [Fact]
    public async Task UpdateIAmAlive_for_a_silo_without_a_row_fails_and_creates_nothing()
    {
        var table = await CreateTableAsync();
        Assert.True(await table.InsertRowAsync(NewEntry(), (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        await Assert.ThrowsAsync<OrleansException>(() => table.UpdateIAmAliveAsync(NewEntry(), CancellationToken.None));

        Assert.Single((await table.ReadAllAsync(CancellationToken.None)).Members);
    }

    [Fact]
    public async Task Cleanup_removes_every_row_older_than_the_cutoff_that_is_not_active()
    {
        var table = await CreateTableAsync();
        var old = DateTime.UtcNow.AddDays(-10);

        // One old row of every status (as Orleans' MembershipTable_CleanupDefunctSiloEntries does), plus rows that
        // must survive because they are Active, recent, or recently voted on.
        var oldRows = Enum.GetValues<SiloStatus>().Select(s => Insertable(NewEntry(), s, old)).ToList();
        var recentJoining = Insertable(NewEntry(), SiloStatus.Joining, DateTime.UtcNow);
        var recentDead = Insertable(NewEntry(), SiloStatus.Dead, DateTime.UtcNow);
        var oldDeadRecentlySuspected = Insertable(NewEntry(), SiloStatus.Dead, old);
        oldDeadRecentlySuspected.SuspectTimes = [Tuple.Create(NewAddress(), Seconds(DateTime.UtcNow))];
        foreach (var entry in oldRows.Concat([recentJoining, recentDead, oldDeadRecentlySuspected]))
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        }

        var before = await table.ReadAllAsync(CancellationToken.None);
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-3), CancellationToken.None);

        var after = await table.ReadAllAsync(CancellationToken.None);
        var survivors = after.Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        var oldActive = oldRows.Single(e => e.Status == SiloStatus.Active).SiloAddress;
        Assert.Equal(new[] { oldActive, recentJoining.SiloAddress, recentDead.SiloAddress, oldDeadRecentlySuspected.SiloAddress }.ToHashSet(), survivors);
        Assert.Equal(before.Version, after.Version);

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-3), CancellationToken.None);
        var repeated = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(after.Members.Count, repeated.Members.Count);
        Assert.Equal(after.Version, repeated.Version);

        // After cleanup the table still accepts changes on the version it reports.
        Assert.True(await table.InsertRowAsync(NewEntry(), repeated.Version.Next(), CancellationToken.None));
    }

    [Fact]
    public async Task Suspicion_votes_can_be_added_and_cleared()
    {
        var table = await CreateTableAsync();
        var entry = NewEntry();
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        var data = await table.ReadAllAsync(CancellationToken.None);
        var (row, etag) = Row(data, entry.SiloAddress);
        row.AddOrUpdateSuspector(NewAddress(), Seconds(DateTime.UtcNow), maxVotes: 2);
        row.AddOrUpdateSuspector(NewAddress(), Seconds(DateTime.UtcNow), maxVotes: 2);
        Assert.True(await table.UpdateRowAsync(row, etag, data.Version.Next(), CancellationToken.None));
        data = await table.ReadAllAsync(CancellationToken.None);
        (row, etag) = Row(data, entry.SiloAddress);
        Assert.Equal(2, row.SuspectTimes?.Count);

        row.SuspectTimes?.Clear();
        Assert.True(await table.UpdateRowAsync(row, etag, data.Version.Next(), CancellationToken.None));

        Assert.Empty((await table.ReadRowAsync(entry.SiloAddress, CancellationToken.None)).Members.Single().Item1.SuspectTimes ?? []);
    }

    [Fact]
    public async Task Gateways_are_the_active_silos_with_a_gateway_port()
    {
        var clusterId = DynaliteFixture.UniqueName("cluster");
        var options = dynalite.Configure(new DynamoDBClusteringOptions { MembershipTableName = DynaliteFixture.UniqueName("membership") });
        var table = await CreateTableAsync(options, clusterId);
        var active = Insertable(NewEntry(), SiloStatus.Active, DateTime.UtcNow);
        var activeNoGateway = Insertable(NewEntry(), SiloStatus.Active, DateTime.UtcNow);
        activeNoGateway.ProxyPort = 0;
        var joining = Insertable(NewEntry(), SiloStatus.Joining, DateTime.UtcNow);
        foreach (var entry in new[] { active, activeNoGateway, joining })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        }

        using var gateways = new DynamoDBGatewayListProvider(Options.Create(options), ClusterOptions(clusterId), Options.Create(new GatewayOptions()), NullLogger<DynamoDBGatewayListProvider>.Instance);
        await gateways.InitializeGatewayListProviderAsync(CancellationToken.None);
        var uris = await gateways.GetGatewaysAsync(CancellationToken.None);

        var uri = Assert.Single(uris);
        Assert.Equal(SiloAddress.New(new IPEndPoint(active.SiloAddress.Endpoint.Address, active.ProxyPort), active.SiloAddress.Generation).ToGatewayUri(), uri);
    }

    [Fact]
    public async Task Two_clusters_share_a_table_without_seeing_each_other_and_deleting_one_leaves_the_other()
    {
        var options = dynalite.Configure(new DynamoDBClusteringOptions { MembershipTableName = DynaliteFixture.UniqueName("membership") });
        var blue = await CreateTableAsync(options, "blue");
        var green = await CreateTableAsync(options, "green");
        Assert.True(await blue.InsertRowAsync(NewEntry(), (await blue.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        Assert.Empty((await green.ReadAllAsync(CancellationToken.None)).Members);
        await green.DeleteMembershipTableEntriesAsync("green", CancellationToken.None);
        Assert.Single((await blue.ReadAllAsync(CancellationToken.None)).Members);

        await blue.DeleteMembershipTableEntriesAsync("blue", CancellationToken.None);
        Assert.Empty((await blue.ReadAllAsync(CancellationToken.None)).Members);
    }

    private async Task<DynamoDBMembershipTable> CreateTableAsync(DynamoDBClusteringOptions? options = null, string? clusterId = null)
    {
        options ??= dynalite.Configure(new DynamoDBClusteringOptions { MembershipTableName = DynaliteFixture.UniqueName("membership") });
        var table = new DynamoDBMembershipTable(Options.Create(options), ClusterOptions(clusterId ?? "cluster"), NullLogger<DynamoDBMembershipTable>.Instance);
        await table.InitializeMembershipTableAsync(true, CancellationToken.None);
        return table;
    }

    internal static IOptions<ClusterOptions> ClusterOptions(string clusterId) => Options.Create(new ClusterOptions { ServiceId = "evswap-tests", ClusterId = clusterId });
}
