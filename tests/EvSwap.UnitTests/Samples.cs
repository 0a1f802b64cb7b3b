using System.Text;
using System.Text.Json;
using EvSwap.Contracts;

namespace EvSwap.UnitTests;

internal static class Samples
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 18, 0, 10, TimeSpan.Zero);

    public static TelemetryMessage Message(string stationId = "st-0042", long boot = 7, long seq = 1, DateTimeOffset? ts = null, IReadOnlyList<SlotReading>? slots = null, IReadOnlyList<StationEvent>? events = null) => new()
    {
        Schema = TelemetryMessage.SchemaV1,
        StationId = stationId,
        Boot = boot,
        Seq = seq,
        Ts = ts ?? Now.AddSeconds(-5),
        AmbientC = 21.4,
        GridPowerKw = 37.5,
        Slots = slots ??
        [
            new SlotReading { Slot = 1, State = SlotStates.Ready, BatteryId = "bat-001293", SocPct = 98.5, TempC = 29.8, SohPct = 96.1, Cycles = 412 },
            new SlotReading { Slot = 2, State = SlotStates.Charging, BatteryId = "bat-000771", SocPct = 41.0, TempC = 35.2, SohPct = 91.7, Cycles = 990 },
            new SlotReading { Slot = 3, State = SlotStates.Empty },
        ],
        Events = events,
    };

    public static byte[] Json(TelemetryMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, TelemetryJsonContext.Default.TelemetryMessage);

    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    public static string Topic(string stationId = "st-0042") => TelemetryTopic.For(stationId);

    public static StationEvent Swap(int slotIn = 3, int slotOut = 1) => new()
    {
        Type = EventTypes.Swap, At = Now.AddSeconds(-6), SlotIn = slotIn, BatteryIn = "bat-000118", SlotOut = slotOut, BatteryOut = "bat-001293",
    };

    public static SlotReading Slot(int slot, double tempC, string state = SlotStates.Charging) =>
        new() { Slot = slot, State = state, BatteryId = "bat-" + slot, SocPct = 50, TempC = tempC };
}
