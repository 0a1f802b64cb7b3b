using EvSwap.Archive;
using EvSwap.Contracts;
using EvSwap.Ledger;
using EvSwap.Testing;

namespace EvSwap.GrainTests;

/// <summary>Swap records leave the station grain once per (station, boot, seq, event index), however messages arrive.</summary>
[Collection(ClusterCollection.Name)]
public class SwapLedgerTests(ClusterFixture fixture)
{
    private static string NewStation() => "swp-" + Guid.NewGuid().ToString("N")[..12];

    private static IReadOnlyList<StationEvent> SwapOf(string batteryIn, string batteryOut) =>
        [new StationEvent { Type = EventTypes.Swap, At = DateTimeOffset.UtcNow, SlotIn = 2, BatteryIn = batteryIn, SlotOut = 1, BatteryOut = batteryOut }];

    private static IReadOnlyList<SlotReading> AfterSwap(string batteryIn) =>
    [
        new SlotReading { Slot = 1, State = SlotStates.Empty },
        new SlotReading { Slot = 2, State = SlotStates.Charging, BatteryId = batteryIn, SocPct = 15, SohPct = 100 },
    ];

    private static async Task<List<SwapRecord>> RecordsAsync(string station, int expected)
    {
        return await Eventually.GetAsync(async () =>
        {
            var list = new List<SwapRecord>();
            await foreach (var r in StationSilo.Swaps.QueryAsync(new SwapQuery(station, null, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)), CancellationToken.None))
            {
                list.Add(r);
            }

            return list;
        }, l => l.Count >= expected);
    }

    [Fact]
    public async Task Each_swap_of_an_accepted_or_late_message_is_recorded_once_and_redeliveries_add_nothing()
    {
        var id = NewStation();
        var grain = fixture.Grains.GetGrain<IStationGrain>(id);

        // Seq 1 shows bat-1 ready in slot 1 at 99 %: the snapshot before seq 3's swap, which hands bat-1 out.
        Assert.Equal(IngestOutcome.Accepted, await grain.Ingest(ClusterFixture.Envelope(id, 1)));
        Assert.Equal(IngestOutcome.Accepted, await grain.Ingest(ClusterFixture.Envelope(id, 3, events: SwapOf("bat-9", "bat-1"), slots: AfterSwap("bat-9"))));
        Assert.Equal(IngestOutcome.Late, await grain.Ingest(ClusterFixture.Envelope(id, 2, events: SwapOf("bat-8", "bat-7"), slots: AfterSwap("bat-8"))));
        Assert.Equal(IngestOutcome.Duplicate, await grain.Ingest(ClusterFixture.Envelope(id, 3, events: SwapOf("bat-9", "bat-1"), slots: AfterSwap("bat-9"))));
        Assert.Equal(IngestOutcome.Duplicate, await grain.Ingest(ClusterFixture.Envelope(id, 2, events: SwapOf("bat-8", "bat-7"), slots: AfterSwap("bat-8"))));
        await grain.Flush();

        var records = await RecordsAsync(id, 2);
        Assert.Equal([$"{id}:1:2:0", $"{id}:1:3:0"], records.Select(r => r.Id).Order());
        var onTime = records.Single(r => r.Seq == 3);
        Assert.Equal(("bat-9", 15.0, "bat-1", 99.0), (onTime.BatteryIn, onTime.SocInPct, onTime.BatteryOut, onTime.SocOutPct));
        // 1.6 kWh default capacity: 0.99 x 1.6 - 0.15 x 1.6
        Assert.Equal(1.344, onTime.EnergyKwh!.Value, 6);
        // The late message has no snapshot before it: what the battery out held is unknown, and so is the energy.
        Assert.Null(records.Single(r => r.Seq == 2).EnergyKwh);
    }

    [Fact]
    public async Task A_swap_the_stored_state_missed_is_recorded_when_a_new_activation_catches_up_from_the_archive()
    {
        var id = NewStation();
        var earlier = new[] { ClusterFixture.Envelope(id, 1), ClusterFixture.Envelope(id, 2, events: SwapOf("bat-5", "bat-1"), slots: AfterSwap("bat-5")) };
        await fixture.Archive.WriteBatchAsync(TelemetryBatch.FromMessages(id, 1, DateOnly.FromDateTime(earlier[0].Message.Ts.UtcDateTime),
            [.. earlier.Select(e => new BufferedMessage(e.Message.Boot, e.Message.Seq, e.Message.Ts, e.ReceivedAt, e.Payload))]));

        var grain = fixture.Grains.GetGrain<IStationGrain>(id);
        Assert.Equal(IngestOutcome.Duplicate, await grain.Ingest(ClusterFixture.Envelope(id, 2, events: SwapOf("bat-5", "bat-1"), slots: AfterSwap("bat-5"))));

        var record = Assert.Single(await RecordsAsync(id, 1));
        Assert.Equal(($"{id}:1:2:0", 99.0), (record.Id, record.SocOutPct));
    }
}
