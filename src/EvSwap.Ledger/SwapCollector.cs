using System.Text.Json;
using EvSwap.Contracts;

namespace EvSwap.Ledger;

/// <summary>
/// Turns the swap events of an applied message into <see cref="SwapEvent"/>s. States of charge come from the event
/// (<c>socIn</c>, <c>socOut</c>, contract v1 optional fields) when the station sends them; otherwise the battery in is
/// read from the message's own snapshot (it sits in <c>slotIn</c> after the swap) and the battery out from the snapshot
/// before it (the station's previous newest message), which a late message does not have: its energy stays unknown.
/// </summary>
public static class SwapCollector
{
    /// <param name="previousSnapshot">The payload of the newest message before this one, when this one is the newest.</param>
    public static void Collect(TelemetryMessage message, byte[]? previousSnapshot, List<SwapEvent> into)
    {
        var events = message.Events;
        if (events is null)
        {
            return;
        }

        IReadOnlyList<SlotReading>? before = null;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Type != EventTypes.Swap)
            {
                continue;
            }

            var inReading = Find(message.Slots, e.SlotIn, e.BatteryIn);
            SlotReading? outReading = null;
            if (e.SocOut is null && previousSnapshot is not null)
            {
                before ??= JsonSerializer.Deserialize(previousSnapshot, TelemetryJsonContext.Default.TelemetryMessage)?.Slots ?? [];
                outReading = Find(before, e.SlotOut, e.BatteryOut);
            }

            into.Add(new SwapEvent(
                message.Boot,
                message.Seq,
                i,
                e.At == default ? message.Ts : e.At,
                e.SlotIn,
                e.BatteryIn,
                e.SocIn ?? inReading?.SocPct,
                inReading?.SohPct,
                e.SlotOut,
                e.BatteryOut,
                e.SocOut ?? outReading?.SocPct,
                outReading?.SohPct));
        }
    }

    /// <summary>The slot's reading if it holds the named battery (or the event names none).</summary>
    private static SlotReading? Find(IReadOnlyList<SlotReading>? slots, int? slot, string? batteryId)
    {
        if (slots is null || slot is null)
        {
            return null;
        }

        foreach (var s in slots)
        {
            if (s.Slot == slot && s.BatteryId is not null && (batteryId is null || s.BatteryId == batteryId))
            {
                return s;
            }
        }

        return null;
    }
}
