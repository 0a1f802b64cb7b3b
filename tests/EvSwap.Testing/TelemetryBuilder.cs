using System.Text.Json;
using EvSwap.Contracts;

namespace EvSwap.Testing;

/// <summary>
/// Telemetry v1 messages for tests: a station's snapshot built up slot by slot and event by event, as the typed
/// message, its JSON or a grain's envelope. Unset, a message is boot 1, seq 1, stamped now, with one ready battery
/// ("bat-1", 98 %) in slot 1 and slot 2 empty.
/// </summary>
public sealed class TelemetryBuilder(string stationId)
{
    private List<SlotReading>? _slots;
    private readonly List<StationEvent> _events = [];
    private long _boot = 1;
    private long _seq = 1;
    private DateTimeOffset? _ts;
    private double? _ambientC = 20;
    private double? _gridPowerKw = 10;

    public static TelemetryBuilder For(string stationId) => new(stationId);

    public TelemetryBuilder Boot(long boot)
    {
        _boot = boot;
        return this;
    }

    public TelemetryBuilder Seq(long seq)
    {
        _seq = seq;
        return this;
    }

    /// <summary>The station's own time stamp (<c>ts</c>); events default to it.</summary>
    public TelemetryBuilder At(DateTimeOffset ts)
    {
        _ts = ts;
        return this;
    }

    public TelemetryBuilder Ambient(double? celsius, double? gridPowerKw = 10)
    {
        _ambientC = celsius;
        _gridPowerKw = gridPowerKw;
        return this;
    }

    public TelemetryBuilder Slot(SlotReading slot)
    {
        (_slots ??= []).Add(slot);
        return this;
    }

    /// <summary>These slots (none at all for an empty list) instead of the default ones.</summary>
    public TelemetryBuilder Slots(IEnumerable<SlotReading> slots)
    {
        (_slots ??= []).AddRange(slots);
        return this;
    }

    public TelemetryBuilder Ready(int slot, string batteryId, double socPct = 98, double tempC = 25, double? sohPct = 97, int? cycles = 3) =>
        Slot(new SlotReading { Slot = slot, State = SlotStates.Ready, BatteryId = batteryId, SocPct = socPct, TempC = tempC, SohPct = sohPct, Cycles = cycles });

    public TelemetryBuilder Charging(int slot, string batteryId, double socPct, double tempC = 33, double? sohPct = 92, int? cycles = 30) =>
        Slot(new SlotReading { Slot = slot, State = SlotStates.Charging, BatteryId = batteryId, SocPct = socPct, TempC = tempC, SohPct = sohPct, Cycles = cycles });

    public TelemetryBuilder Empty(int slot) => Slot(new SlotReading { Slot = slot, State = SlotStates.Empty });

    /// <summary>A slot in the <c>fault</c> state (the fault event is <see cref="FaultEvent"/>).</summary>
    public TelemetryBuilder Faulted(int slot) => Slot(new SlotReading { Slot = slot, State = SlotStates.Fault });

    public TelemetryBuilder Events(IEnumerable<StationEvent>? events)
    {
        _events.AddRange(events ?? []);
        return this;
    }

    public TelemetryBuilder Event(StationEvent e)
    {
        _events.Add(e);
        return this;
    }

    /// <summary>A swap: the rider's battery went into <paramref name="slotIn"/>, the charged one came out of <paramref name="slotOut"/>.</summary>
    public TelemetryBuilder Swap(int slotIn, string batteryIn, int slotOut, string batteryOut, DateTimeOffset? at = null) =>
        Event(new StationEvent { Type = EventTypes.Swap, At = at ?? Ts, SlotIn = slotIn, BatteryIn = batteryIn, SlotOut = slotOut, BatteryOut = batteryOut });

    public TelemetryBuilder FaultEvent(int slot, string code = "OVERTEMP", DateTimeOffset? at = null) =>
        Event(new StationEvent { Type = EventTypes.Fault, At = at ?? Ts, Slot = slot, Code = code });

    public TelemetryMessage Build() => new()
    {
        Schema = TelemetryMessage.SchemaV1,
        StationId = stationId,
        Boot = _boot,
        Seq = _seq,
        Ts = Ts,
        AmbientC = _ambientC,
        GridPowerKw = _gridPowerKw,
        Slots = _slots is not null ? [.. _slots] : [new SlotReading { Slot = 1, State = SlotStates.Ready, BatteryId = "bat-1", SocPct = 98, TempC = 25, SohPct = 97, Cycles = 3 }, new SlotReading { Slot = 2, State = SlotStates.Empty }],
        Events = _events.Count > 0 ? [.. _events] : null,
    };

    public byte[] Json() => JsonSerializer.SerializeToUtf8Bytes(Build(), TelemetryJsonContext.Default.TelemetryMessage);

    /// <summary>What the bridge hands a station grain: the message, its bytes and when it was received.</summary>
    public TelemetryEnvelope Envelope(DateTimeOffset? receivedAt = null)
    {
        var message = Build();
        return new TelemetryEnvelope(message, JsonSerializer.SerializeToUtf8Bytes(message, TelemetryJsonContext.Default.TelemetryMessage), receivedAt ?? message.Ts);
    }

    private DateTimeOffset Ts => _ts ??= DateTimeOffset.UtcNow;
}
