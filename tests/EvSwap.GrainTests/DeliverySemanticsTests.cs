using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Testing;
using Orleans.Runtime;

namespace EvSwap.GrainTests;

/// <summary>Exactly once per (boot, seq) on a two-silo cluster: late messages are data, duplicates are only what was seen.</summary>
[Collection(ClusterCollection.Name)]
public class DeliverySemanticsTests(ClusterFixture fixture)
{
    private static string NewStation() => "dlv-" + Guid.NewGuid().ToString("N")[..12];

    private static IReadOnlyList<StationEvent> OneSwap => [new StationEvent { Type = EventTypes.Swap, SlotIn = 2, SlotOut = 1 }];

    [Fact]
    public async Task A_late_message_with_a_swap_is_archived_once_and_its_swap_counted_once()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);

        Assert.Equal(IngestOutcome.Accepted, await grain.Ingest(ClusterFixture.Envelope(id, 1)));
        Assert.Equal(IngestOutcome.Accepted, await grain.Ingest(ClusterFixture.Envelope(id, 3)));
        Assert.Equal(IngestOutcome.Late, await grain.Ingest(ClusterFixture.Envelope(id, 2, events: OneSwap)));
        Assert.Equal(IngestOutcome.Duplicate, await grain.Ingest(ClusterFixture.Envelope(id, 2, events: OneSwap)));
        await grain.Flush();
        Assert.Equal(IngestOutcome.Duplicate, await grain.Ingest(ClusterFixture.Envelope(id, 2, events: OneSwap)));

        var view = (await grain.GetView())!;
        Assert.Equal(3, view.Seq);
        Assert.Equal((3L, 1L, 2L, 1L), (view.Counters.Messages, view.Counters.Late, view.Counters.Duplicates, view.Counters.SwapsTotal));
        Assert.Equal([1L, 2L, 3L], (await ArchivedSeqs(fixture.Archive, id)).Order());
    }

    [Fact]
    public async Task Late_messages_in_a_later_batch_get_a_key_of_their_own_and_the_history_reads_every_message_once()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        foreach (var seq in new long[] { 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 3 })
        {
            await grain.Ingest(ClusterFixture.Envelope(id, seq));
        }

        await grain.Flush();

        // MaxBatchMessages is 10: the first object holds 1-2 and 4-11, a gap its key must account for.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var batches = await fixture.Archive.ListBatchesAsync(id, today.AddDays(-1), today);
        Assert.Contains(batches, b => (b.FirstSeq, b.LastSeq, b.Count) == (1, 11, 10));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), (await ArchivedSeqs(fixture.Archive, id)).Order());
    }

    [Fact]
    public async Task After_the_state_was_lost_the_archive_tells_the_new_activation_what_a_late_redelivery_is()
    {
        // An earlier activation archived 1, 2 and 4 (3 was late and never came) and died before its state write.
        var id = NewStation();
        var earlier = new long[] { 1, 2, 4 }.Select(seq => ClusterFixture.Envelope(id, seq, events: seq == 4 ? OneSwap : null)).ToList();
        await fixture.Archive.WriteBatchAsync(TelemetryBatch.FromMessages(id, 1, DateOnly.FromDateTime(earlier[0].Message.Ts.UtcDateTime),
            [.. earlier.Select(e => new BufferedMessage(e.Message.Boot, e.Message.Seq, e.Message.Ts, e.ReceivedAt, e.Payload))]));

        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        Assert.Equal(IngestOutcome.Duplicate, await grain.Ingest(ClusterFixture.Envelope(id, 4, events: OneSwap)));
        Assert.Equal(IngestOutcome.Late, await grain.Ingest(ClusterFixture.Envelope(id, 3, events: OneSwap)));

        var view = (await grain.GetView())!;
        Assert.Equal((4L, 4L, 2L), (view.Seq, view.Counters.Messages, view.Counters.SwapsTotal));
    }

    internal static async Task<List<long>> ArchivedSeqs(TelemetryArchive archive, string id)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var seqs = new List<long>();
        foreach (var batch in await archive.ListBatchesAsync(id, today.AddDays(-1), today))
        {
            seqs.AddRange((await archive.ReadMessagesAsync(batch)).Select(m => m.Seq));
        }

        return seqs;
    }
}

/// <summary>A crash between counting and archiving, simulated by an archive that refuses the writes of one station.</summary>
[Collection(ArchiveOutageCollection.Name)]
public class CrashBetweenApplyAndArchiveTests(ArchiveOutageFixture fixture)
{
    [Fact]
    public async Task A_redelivered_message_counted_but_never_archived_is_archived_and_not_counted_again()
    {
        var id = "crash-" + Guid.NewGuid().ToString("N")[..12];
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        var sent = Enumerable.Range(1, 5).Select(seq => ClusterFixture.Envelope(id, seq, events: seq == 4 ? [new StationEvent { Type = EventTypes.Swap, SlotIn = 2, SlotOut = 1 }] : null)).ToList();

        await grain.Ingest(sent[0]);
        await grain.Ingest(sent[1]);
        await grain.Flush();
        ArchiveOutageFixture.Store.Fail(id);
        foreach (var envelope in sent.Skip(2))
        {
            await grain.Ingest(envelope);
        }

        // Deactivation cannot archive 3-5: they leave memory with the activation, counted but not archived, as in a crash.
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        ArchiveOutageFixture.Store.Recover(id);
        Assert.Equal([1L, 2L], await DeliverySemanticsTests.ArchivedSeqs(fixture.Archive, id));

        // The broker redelivers everything (a reconnect, or a replay).
        var outcomes = new List<IngestOutcome>();
        foreach (var envelope in sent)
        {
            outcomes.Add(await grain.Ingest(envelope));
        }

        outcomes.Add(await grain.Ingest(sent[3]));
        await grain.Flush();

        Assert.Equal([IngestOutcome.Duplicate, IngestOutcome.Duplicate, IngestOutcome.Rearchived, IngestOutcome.Rearchived, IngestOutcome.Rearchived, IngestOutcome.Duplicate], outcomes);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await DeliverySemanticsTests.ArchivedSeqs(fixture.Archive, id)).Order());
        var view = (await grain.GetView())!;
        Assert.Equal((5L, 5L, 1L), (view.Seq, view.Counters.Messages, view.Counters.SwapsTotal));
    }

    [Fact]
    public async Task A_replay_after_a_crash_puts_the_station_back_into_a_fleet_index_that_lost_it()
    {
        var id = "crash-" + Guid.NewGuid().ToString("N")[..12];
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        var sent = Enumerable.Range(1, 3).Select(seq => ClusterFixture.Envelope(id, seq)).ToList();
        ArchiveOutageFixture.Store.Fail(id);
        foreach (var envelope in sent)
        {
            await grain.Ingest(envelope);
        }

        // The station's state was stored but its index shard crashed before storing the new key. A collection
        // deactivates the shard, whose deactivation writes its state behind the collection's back, and the station's
        // last push on deactivation may wake it again: collect and drop the shard's stored items until it comes back empty.
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var shard = fixture.Grains.GetGrain<IFleetIndexShardGrain>(FleetIndex.ShardOf(id, StationSilo.FleetShards));
        var forgotten = await Eventually.GetAsync(
            async () =>
            {
                await management.ForceActivationCollection(TimeSpan.Zero);
                await Task.Delay(100);
                foreach (var key in fixture.GrainState.Items.Keys.Where(k => k.Contains("/fleet-shard", StringComparison.Ordinal)))
                {
                    fixture.GrainState.Items.TryRemove(key, out _);
                }

                return !await shard.Contains(id);
            },
            gone => gone,
            TimeSpan.FromSeconds(10));
        Assert.True(forgotten);
        ArchiveOutageFixture.Store.Recover(id);

        Assert.Equal(IngestOutcome.Rearchived, await grain.Ingest(sent[0]));

        // Upsert is one-way: the entry arrives shortly after the ingest returns.
        Assert.True(await Eventually.GetAsync(() => shard.Contains(id), known => known, TimeSpan.FromSeconds(10)));
    }
}
