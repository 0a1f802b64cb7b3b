using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orleans.TestingHost;

namespace EvSwap.GrainTests;

/// <summary>
/// Station grains whose archive refuses writes for chosen stations, with bounds small enough that a test reaches
/// them in a few dozen messages. One silo, so every station's measurements come from one meter.
/// </summary>
public sealed class ArchiveOutageFixture : IAsyncLifetime
{
    public const int MaxBatchBytes = 1024;
    public const int MaxPendingBytes = 4096;

    /// <summary>Above one station's bound, so only several stations together reach it.</summary>
    public const int MaxUnarchivedBytesPerSilo = 6000;

    // Silo configurators are created by type, so the store is handed over through a static.
    internal static readonly SwitchableArchiveStore Store = new(new FileSystemArchiveStore(
        Path.Combine(Path.GetTempPath(), "evswap-grains-outage-" + Guid.NewGuid().ToString("N"))));

    public TestCluster Cluster { get; private set; } = null!;
    public TelemetryArchive Archive { get; } = new(Store.Inner);
    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>The meter factory of the silo, to tell its instruments from those of other clusters in this process.</summary>
    public IMeterFactory SiloMeterFactory => SiloServices.GetRequiredService<IMeterFactory>();

    public UnarchivedBudget SiloBudget => SiloServices.GetRequiredService<UnarchivedBudget>();

    /// <summary>The silo's grain storage, for tests that take away what a crash would not have written.</summary>
    public InProcessStateStore GrainState => SiloServices.GetRequiredService<InProcessStateStore>();

    private IServiceProvider SiloServices => Cluster.Primary is InProcessSiloHandle silo
        ? silo.SiloHost.Services
        : throw new InvalidOperationException("The test silo is expected to run in this process.");

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        if (Directory.Exists(Store.Inner.Root))
        {
            Directory.Delete(Store.Inner.Root, recursive: true);
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddStationGrainsWith(Store, o =>
            {
                o.MaxBatchMessages = 100;
                o.MaxBatchBytes = MaxBatchBytes;
                o.MaxPendingBytes = MaxPendingBytes;
                o.MaxUnarchivedBytesPerSilo = MaxUnarchivedBytesPerSilo;
            });
            siloBuilder.AddIncomingGrainCallFilter<UnarchivedBudgetFilter>();
        }
    }
}

/// <summary>
/// A working archive store that refuses writes for the stations a test puts into an outage, as S3 does when it is
/// unreachable. Listing and reading keep working so activation (which reads the archive) is not what fails.
/// </summary>
public sealed class SwitchableArchiveStore(FileSystemArchiveStore inner) : IArchiveStore
{
    private readonly ConcurrentDictionary<string, bool> _down = new();
    private readonly ConcurrentDictionary<string, long> _refused = new();

    public FileSystemArchiveStore Inner => inner;

    public long RefusedWrites(string stationId) => _refused.GetValueOrDefault(stationId);

    public void Fail(string stationId) => _down[stationId] = true;

    public void Recover(string stationId) => _down.TryRemove(stationId, out _);

    public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (ArchiveKeys.TryParseBatch(key, out var batch) && _down.ContainsKey(batch.StationId))
        {
            _refused.AddOrUpdate(batch.StationId, 1, (_, n) => n + 1);
            throw new IOException($"Archive unavailable for {batch.StationId} (test outage).");
        }

        return inner.PutAsync(key, content, cancellationToken);
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public Task CheckAsync(CancellationToken cancellationToken) => inner.CheckAsync(cancellationToken);
}

[CollectionDefinition(Name)]
public sealed class ArchiveOutageCollection : ICollectionFixture<ArchiveOutageFixture>
{
    public const string Name = "archive-outage";
}

[Collection(ArchiveOutageCollection.Name)]
public class ArchiveOutageTests(ArchiveOutageFixture fixture)
{
    private static string NewStation() => "out-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Past_the_pending_bound_ingest_is_refused_and_after_recovery_every_accepted_message_is_archived_once()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        ArchiveOutageFixture.Store.Fail(id);

        var accepted = new List<TelemetryEnvelope>();
        TelemetryEnvelope? refused = null;
        Exception? refusal = null;
        // Bounded: at a few hundred bytes per message the 4 KiB bound is reached in a few dozen.
        for (var seq = 1; seq <= 500 && refused is null; seq++)
        {
            var envelope = ClusterFixture.Envelope(id, seq);
            try
            {
                Assert.Equal(IngestOutcome.Accepted, await grain.Ingest(envelope));
                accepted.Add(envelope);
            }
            catch (ArchiveBackloggedException ex)
            {
                refused = envelope;
                refusal = ex;
            }
        }

        Assert.NotNull(refused);
        Assert.Contains("Archive:MaxPendingBytes", refusal!.Message, StringComparison.Ordinal);

        // Refused exactly at the bound: what was accepted reaches it, and without the last message it would not.
        var held = accepted.Sum(e => (long)e.Payload.Length);
        Assert.True(held >= ArchiveOutageFixture.MaxPendingBytes, $"refused while holding only {held} bytes");
        Assert.True(held - accepted[^1].Payload.Length < ArchiveOutageFixture.MaxPendingBytes, $"accepted past the bound ({held} bytes)");

        // Nothing was dropped or applied out of turn: the refused message did not move the watermark, every
        // accepted one waits in the buffer, and the archive has none of them yet.
        Assert.Equal(accepted[^1].Message.Seq, (await grain.GetView())!.Seq);
        Assert.Equal(accepted.Select(e => e.Message.Seq), (await grain.GetUnflushedTelemetry()).Select(m => m.Seq));
        Assert.Empty(await ListBatches(id));

        // Still down: a retry is refused again rather than accepted into unbounded memory.
        await Assert.ThrowsAsync<ArchiveBackloggedException>(() => grain.Ingest(refused!));

        ArchiveOutageFixture.Store.Recover(id);
        Assert.Equal(IngestOutcome.Accepted, await grain.Ingest(refused!));
        await grain.Flush();

        var archived = new List<(long Seq, string Payload)>();
        foreach (var batch in await ListBatches(id))
        {
            archived.AddRange((await fixture.Archive.ReadMessagesAsync(batch)).Select(m => (m.Seq, m.Payload)));
        }

        var expected = accepted.Append(refused!).Select(e => (e.Message.Seq, System.Text.Encoding.UTF8.GetString(e.Payload)));
        Assert.Equal(expected, archived);
        Assert.Empty(await grain.GetUnflushedTelemetry());
    }

    [Fact]
    public async Task A_failing_archive_is_counted_and_the_backlog_measure_holds_the_unarchived_bytes_until_it_recovers()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        // Scoped to this silo's meter factory: other test silos in the process publish the same instruments.
        using var failures = new MetricCollector<long>(fixture.SiloMeterFactory, StationMetrics.MeterName, StationMetrics.ArchiveWriteFailuresName);
        using var backlog = new MetricCollector<long>(fixture.SiloMeterFactory, StationMetrics.MeterName, StationMetrics.ArchiveBacklogName);
        ArchiveOutageFixture.Store.Fail(id);

        // Enough to seal at least one batch (so a write is attempted and fails) while staying under the pending bound.
        var sent = new List<TelemetryEnvelope>();
        for (var seq = 1; sent.Sum(e => e.Payload.Length) < ArchiveOutageFixture.MaxBatchBytes * 2; seq++)
        {
            var envelope = ClusterFixture.Envelope(id, seq);
            Assert.Equal(IngestOutcome.Accepted, await grain.Ingest(envelope));
            sent.Add(envelope);
        }

        var refused = ArchiveOutageFixture.Store.RefusedWrites(id);
        Assert.True(refused > 0, "no archive write was attempted during the outage");
        // Every refused write is counted; the counter has no station tag, so another station's retries could only add to it.
        var failed = failures.GetMeasurementSnapshot().EvaluateAsCounter();
        Assert.True(failed >= refused, $"{failed} failures counted for {refused} refused writes");
        Assert.Equal(sent.Sum(e => (long)e.Payload.Length), backlog.GetMeasurementSnapshot().EvaluateAsCounter());

        ArchiveOutageFixture.Store.Recover(id);
        await grain.Flush();

        Assert.Equal(0, backlog.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(sent.Select(e => e.Message.Seq), await ArchivedSeqs(id));
    }

    [Fact]
    public async Task Past_the_silo_budget_every_station_of_the_silo_is_refused_until_the_backlog_is_archived()
    {
        var (first, second, healthy) = (NewStation(), NewStation(), NewStation());
        var budget = fixture.SiloBudget;
        ArchiveOutageFixture.Store.Fail(first);
        ArchiveOutageFixture.Store.Fail(second);

        // Two stations in an outage, each below its own bound, together fill the silo's budget through their reports.
        // Bounded: a few hundred bytes a message reach 6,000 within a few dozen.
        for (var seq = 1; seq <= 100 && !budget.IsExceeded; seq++)
        {
            foreach (var id in new[] { first, second }.TakeWhile(_ => !budget.IsExceeded))
            {
                Assert.Equal(IngestOutcome.Accepted, await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(ClusterFixture.Envelope(id, seq)));
            }
        }

        Assert.True(budget.IsExceeded);

        // A station whose archive works and which holds nothing is refused all the same: the bound is the silo's.
        var grain = fixture.Grains.GetGrain<IStationGrain>(healthy);
        var refusal = await Assert.ThrowsAsync<UnarchivedBudgetExceededException>(() => grain.Ingest(ClusterFixture.Envelope(healthy, 1)));
        Assert.Contains("Archive:MaxUnarchivedBytesPerSilo", refusal.Message, StringComparison.Ordinal);

        ArchiveOutageFixture.Store.Recover(first);
        ArchiveOutageFixture.Store.Recover(second);
        await fixture.Grains.GetGrain<IStationGrain>(first).Flush();
        await fixture.Grains.GetGrain<IStationGrain>(second).Flush();
        Assert.False(budget.IsExceeded);

        Assert.Equal(IngestOutcome.Accepted, await grain.Ingest(ClusterFixture.Envelope(healthy, 1)));
        await grain.Flush();
        Assert.Equal([1L], await ArchivedSeqs(healthy));
    }

    private async Task<IReadOnlyList<BatchRef>> ListBatches(string id)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return await fixture.Archive.ListBatchesAsync(id, today.AddDays(-1), today);
    }

    private async Task<List<long>> ArchivedSeqs(string id)
    {
        var seqs = new List<long>();
        foreach (var batch in await ListBatches(id))
        {
            seqs.AddRange((await fixture.Archive.ReadMessagesAsync(batch)).Select(m => m.Seq));
        }

        return seqs;
    }
}
