using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Ledger;

namespace EvSwap.Ledger.Tests;

public sealed class SwapCollectorTests
{
    private static TelemetryMessage Message(long seq, IReadOnlyList<SlotReading> slots, params StationEvent[] events) => new()
    {
        Schema = TelemetryMessage.SchemaV1,
        StationId = "st-1",
        Boot = 2,
        Seq = seq,
        Ts = Swaps.Noon,
        Slots = slots,
        Events = events,
    };

    private static readonly SlotReading[] Before =
    [
        new() { Slot = 1, State = SlotStates.Ready, BatteryId = "bat-out", SocPct = 98, SohPct = 90 },
        new() { Slot = 2, State = SlotStates.Empty },
    ];

    private static readonly SlotReading[] After =
    [
        new() { Slot = 1, State = SlotStates.Empty },
        new() { Slot = 2, State = SlotStates.Charging, BatteryId = "bat-in", SocPct = 18, SohPct = 80 },
    ];

    private static readonly StationEvent Swap = new() { Type = EventTypes.Swap, At = Swaps.Noon, SlotIn = 2, BatteryIn = "bat-in", SlotOut = 1, BatteryOut = "bat-out" };

    [Fact]
    public void Without_socs_in_the_event_the_battery_in_is_read_from_the_message_and_the_battery_out_from_the_snapshot_before()
    {
        var previous = JsonSerializer.SerializeToUtf8Bytes(Message(9, Before), TelemetryJsonContext.Default.TelemetryMessage);
        var into = new List<SwapEvent>();
        SwapCollector.Collect(Message(10, After, new StationEvent { Type = EventTypes.Fault, Slot = 1 }, Swap), previous, into);

        var e = Assert.Single(into);
        Assert.Equal((2L, 10L, 1), (e.Boot, e.Seq, e.Index));
        Assert.Equal((18.0, 80.0, 98.0, 90.0), (e.SocInPct, e.SohInPct, e.SocOutPct, e.SohOutPct));
    }

    [Fact]
    public void Socs_the_station_reports_in_the_event_win_and_a_late_message_without_them_has_an_unknown_battery_out()
    {
        var into = new List<SwapEvent>();
        SwapCollector.Collect(Message(10, After, Swap with { SocIn = 21, SocOut = 97 }), previousSnapshot: null, into);
        SwapCollector.Collect(Message(11, After, Swap), previousSnapshot: null, into);

        Assert.Equal((21.0, 97.0), (into[0].SocInPct, into[0].SocOutPct));
        Assert.Equal((18.0, (double?)null), (into[1].SocInPct, into[1].SocOutPct));
    }

    [Fact]
    public void Energy_is_capacity_of_the_longest_matching_model_times_health_times_charge_out_minus_in()
    {
        var models = new BatteryModels(new LedgerOptions
        {
            DefaultCapacityKwh = 1,
            BatteryModels = [new BatteryModel { Name = "any", IdPrefix = "bat-", CapacityKwh = 2 }, new BatteryModel { Name = "big", IdPrefix = "bat-o", CapacityKwh = 4 }],
        });
        var e = new SwapEvent(1, 1, 0, Swaps.Noon, 2, "bat-in", 20, 50, 1, "bat-out", 100, 90);

        // out: 4 kWh x 0.9 x 1.0 = 3.6; in: 2 kWh x 0.5 x 0.2 = 0.2
        Assert.Equal(3.4, models.EnergyHandedOver(e)!.Value, 6);
        Assert.Equal(1, models.CapacityKwh("other-7"));
        Assert.Null(models.EnergyHandedOver(e with { SocOutPct = null }));
    }

    [Fact]
    public void The_record_id_is_the_station_boot_seq_and_event_index_so_a_repeat_names_the_same_swap()
    {
        var e = new SwapEvent(3, 41, 2, Swaps.Noon, 2, "a", 20, null, 1, "b", 90, null);
        var models = new BatteryModels(new LedgerOptions());
        Assert.Equal("st-9:3:41:2", SwapRecord.From("st-9", e, models).Id);
        Assert.Equal(SwapRecord.From("st-9", e, models), SwapRecord.From("st-9", e, models));
        Assert.Equal("st-9", SwapRecord.StationOfKey(SwapRecord.From("st-9", e, models).Key));
    }
}
