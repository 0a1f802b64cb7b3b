using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Testing;
using Orleans.Runtime;

namespace EvSwap.GrainTests;

[Collection(ClusterCollection.Name)]
public class StationGrainTests(ClusterFixture fixture)
{
    private static string NewStation() => "st-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task An_accepted_message_is_visible_in_the_station_view_with_every_slot()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);

        Assert.Equal(IngestOutcome.Accepted, await grain.Ingest(ClusterFixture.Envelope(id, seq: 1)));

        var view = await grain.GetView();
        Assert.NotNull(view);
        Assert.Equal(2, view.Slots.Count);
        Assert.Equal(1, view.AvailableCharged);
        Assert.True(view.Online);
    }

    [Fact]
    public async Task A_station_that_never_reported_has_no_view()
    {
        Assert.Null(await fixture.Grains.GetGrain<IStationGrain>(NewStation()).GetView());
    }

    [Fact]
    public async Task Redelivered_messages_are_counted_as_duplicates_and_archived_once()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        foreach (var seq in new long[] { 1, 2, 2, 3, 1, 3 })
        {
            await grain.Ingest(ClusterFixture.Envelope(id, seq));
        }

        await grain.Flush();

        var view = (await grain.GetView())!;
        Assert.Equal((3L, 3L), (view.Counters.Messages, view.Counters.Duplicates));
        var archived = await ReadArchive(id);
        Assert.Equal([1L, 2L, 3L], archived.Select(m => m.Seq));
    }

    [Fact]
    public async Task Unflushed_messages_are_served_from_the_grain_buffer()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        for (var seq = 1; seq <= 12; seq++)
        {
            await grain.Ingest(ClusterFixture.Envelope(id, seq));
        }

        // MaxBatchMessages is 10 in this cluster: ten are archived, two wait in the buffer.
        var buffered = await grain.GetUnflushedTelemetry();
        Assert.Equal([11L, 12L], buffered.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), (await ReadArchive(id)).Select(m => m.Seq));
    }

    [Fact]
    public async Task Deactivation_flushes_the_buffer_to_the_archive_and_keeps_the_counters()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        await grain.Ingest(ClusterFixture.Envelope(id, 1, events: [new StationEvent { Type = EventTypes.Swap, SlotIn = 2, SlotOut = 1 }]));
        await grain.Ingest(ClusterFixture.Envelope(id, 2));

        await DeactivateAllAsync();

        Assert.Equal([1L, 2L], (await ReadArchive(id)).Select(m => m.Seq));
        var view = (await grain.GetView())!;
        Assert.Equal((2L, 1L), (view.Counters.Messages, view.Counters.SwapsTotal));
    }

    [Fact]
    public async Task Counters_come_back_from_the_archive_when_stored_state_is_behind()
    {
        // An earlier activation archived seq 1-3 (with a swap) and died before its state write.
        var id = NewStation();
        var earlier = Enumerable.Range(1, 3).Select(seq => ClusterFixture.Envelope(id, seq, events: seq == 2 ? [new StationEvent { Type = EventTypes.Swap, SlotIn = 2, SlotOut = 1 }] : null)).ToList();
        var date = DateOnly.FromDateTime(earlier[0].Message.Ts.UtcDateTime);
        await fixture.Archive.WriteBatchAsync(TelemetryBatch.FromMessages(id, 1, date,
            [.. earlier.Select(e => new BufferedMessage(e.Message.Boot, e.Message.Seq, e.Message.Ts, e.ReceivedAt, e.Payload))]));

        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        Assert.Equal(IngestOutcome.Duplicate, await grain.Ingest(ClusterFixture.Envelope(id, 3)));
        Assert.Equal(IngestOutcome.Accepted, await grain.Ingest(ClusterFixture.Envelope(id, 4)));

        var view = (await grain.GetView())!;
        Assert.Equal((4L, 4L, 1L), (view.Seq, view.Counters.Messages, view.Counters.SwapsTotal));
    }

    [Fact]
    public async Task A_reboot_starts_a_new_archive_object_for_the_new_boot()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        await grain.Ingest(ClusterFixture.Envelope(id, 5, boot: 1));
        await grain.Ingest(ClusterFixture.Envelope(id, 0, boot: 2));
        await grain.Flush();

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var keys = (await fixture.Archive.ListBatchesAsync(id, today.AddDays(-1), today)).Select(b => (b.Boot, b.FirstSeq, b.LastSeq));
        Assert.Equal([(1L, 5L, 5L), (2L, 0L, 0L)], keys);
    }

    [Fact]
    public async Task Listing_the_fleet_reads_index_shards_without_activating_station_grains()
    {
        var ids = Enumerable.Range(0, 25).Select(i => $"fleet-{i:D3}-{Guid.NewGuid():N}"[..20]).ToList();
        foreach (var id in ids)
        {
            await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(ClusterFixture.Envelope(id, 1));
        }

        await DeactivateAllAsync();
        var listed = await Eventually.GetAsync(ListAllShards, l => ids.All(id => l.Any(i => i.StationId == id)));

        Assert.Superset(ids.ToHashSet(), listed.Select(i => i.StationId).ToHashSet());
        var stats = await fixture.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        Assert.DoesNotContain(stats, s => s.GrainType.Contains("StationGrain", StringComparison.Ordinal) && s.ActivationCount > 0);
    }

    [Fact]
    public async Task Fleet_pages_are_sorted_by_id_and_the_cursor_continues_where_the_last_page_ended()
    {
        var prefix = "page-" + Guid.NewGuid().ToString("N")[..6] + "-";
        var ids = Enumerable.Range(0, 7).Select(i => $"{prefix}{i}").ToList();
        foreach (var id in ids)
        {
            await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(ClusterFixture.Envelope(id, 1));
        }

        var shard = fixture.Grains.GetGrain<IFleetIndexShardGrain>(EvSwap.Contracts.FleetIndex.ShardOf(ids[0], 4));
        var inShard = ids.Count(i => EvSwap.Contracts.FleetIndex.ShardOf(i, 4) == EvSwap.Contracts.FleetIndex.ShardOf(ids[0], 4));
        var page = await Eventually.GetAsync(() => shard.List(new FleetQuery(null, null, 1000)), p => p.Items.Count(i => i.StationId.StartsWith(prefix, StringComparison.Ordinal)) == inShard);
        var all = page.Items.Select(i => i.StationId).Where(s => s.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(inShard, all.Count);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);

        var first = await shard.List(new FleetQuery(null, prefix, 1));
        var second = await shard.List(new FleetQuery(null, first.Items[0].StationId, 1));
        Assert.True(first.HasMore);
        Assert.True(string.CompareOrdinal(second.Items[0].StationId, first.Items[0].StationId) > 0);
    }

    [Fact]
    public async Task An_over_temperature_alert_reaches_the_fleet_alert_list()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        IReadOnlyList<SlotReading> hot = [new SlotReading { Slot = 4, State = SlotStates.Charging, BatteryId = "bat-9", SocPct = 60, TempC = 61 }];
        for (var seq = 1; seq <= 3; seq++)
        {
            await grain.Ingest(ClusterFixture.Envelope(id, seq, slots: hot));
        }

        var shard = fixture.Grains.GetGrain<IFleetIndexShardGrain>(EvSwap.Contracts.FleetIndex.ShardOf(id, 4));
        var alerts = await Eventually.GetAsync(shard.GetAlerts, a => a.Any(x => x.StationId == id));
        var alert = Assert.Single(alerts, a => a.StationId == id);
        Assert.Equal((AlertKinds.OverTemperature, (int?)4), (alert.Alert.Kind, alert.Alert.Slot));
    }

    [Fact]
    public async Task A_shard_holding_more_stations_than_one_stored_chunk_keeps_every_one_across_a_deactivation()
    {
        // A shard number the cluster's stations never use, so no other test lists these.
        var shard = fixture.Grains.GetGrain<IFleetIndexShardGrain>(900 + Random.Shared.Next(100));
        var prefix = "chunk-" + Guid.NewGuid().ToString("N")[..6] + "-";
        var ids = Enumerable.Range(0, 3 * EvSwap.Grains.ChunkedState<StationSummary>.DefaultMaxPerChunk).Select(i => $"{prefix}{i:D5}").ToList();
        foreach (var id in ids)
        {
            await shard.Register(new StationSummary(id, DateTimeOffset.UtcNow, new Dictionary<string, int> { [SlotStates.Ready] = 3 }, 3, [], 1, 1));
        }

        await DeactivateAllAsync();

        var listed = new List<string>();
        string? after = null;
        FleetPage page;
        do
        {
            page = await shard.List(new FleetQuery(null, after, 1000));
            listed.AddRange(page.Items.Select(i => i.StationId));
            after = page.Items.LastOrDefault()?.StationId;
        }
        while (page.HasMore);

        Assert.Equal(ids, listed);
    }

    private async Task<List<StationListItem>> ListAllShards()
    {
        var listed = new List<StationListItem>();
        for (var shard = 0; shard < 4; shard++)
        {
            listed.AddRange((await fixture.Grains.GetGrain<IFleetIndexShardGrain>(shard).List(new FleetQuery(null, null, 1000))).Items);
        }

        return listed;
    }

    private async Task DeactivateAllAsync() =>
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    private async Task<List<ArchivedMessage>> ReadArchive(string id)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var result = new List<ArchivedMessage>();
        foreach (var batch in await fixture.Archive.ListBatchesAsync(id, today.AddDays(-1), today))
        {
            result.AddRange(await fixture.Archive.ReadMessagesAsync(batch));
        }

        return result;
    }
}
