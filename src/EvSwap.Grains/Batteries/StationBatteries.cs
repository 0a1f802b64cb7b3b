using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// Derives what a station tells battery grains from one applied message, so a battery grain hears of a battery only
/// when its custody changes, when it crosses the over-temperature threshold, or once per
/// <see cref="BatteryOptions.HealthInterval"/>: a snapshot that changes nothing derives nothing.
/// </summary>
/// <remarks>
/// Swap events count in every applied message, late ones included (their station time orders them at the battery);
/// the slots only in the newest, as the live view. The slot holdings compared against are part of the station's state,
/// so a catch-up from the archive derives the same events with the same ids.
/// </remarks>
public static class StationBatteries
{
    /// <returns>The custody events derived (readings not counted): worth a state write at once, like a swap.</returns>
    public static int Derive(string stationId, StationState state, TelemetryMessage message, bool newest, BatteryOptions options)
    {
        var pending = state.PendingBatteryEvents;
        var custody = 0;
        HashSet<string>? swappedIn = null;
        HashSet<string>? swappedOut = null;
        var events = message.Events ?? [];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Type != EventTypes.Swap)
            {
                continue;
            }

            if (!string.IsNullOrEmpty(e.BatteryOut))
            {
                pending.Add(new BatteryEvent(e.BatteryOut, stationId, message.Boot, message.Seq, i, BatteryEventKinds.SwappedOut, e.At, e.SlotOut, SocPct: e.SocOut));
                (swappedOut ??= []).Add(e.BatteryOut);
                custody++;
            }

            if (!string.IsNullOrEmpty(e.BatteryIn))
            {
                var reading = FindSlot(message, e.SlotIn, e.BatteryIn);
                pending.Add(new BatteryEvent(e.BatteryIn, stationId, message.Boot, message.Seq, i, BatteryEventKinds.Docked, e.At, e.SlotIn,
                    e.SocIn ?? reading?.SocPct, reading?.SohPct, reading?.Cycles, reading?.TempC));
                (swappedIn ??= []).Add(e.BatteryIn);
                custody++;
            }
        }

        if (!newest)
        {
            return custody;
        }

        // The common case, every battery where it was, allocates nothing: readings update the holdings in place.
        var before = state.BatterySlots;
        var occupied = 0;
        var moved = false;
        foreach (var slot in message.Slots ?? [])
        {
            if (string.IsNullOrEmpty(slot.BatteryId))
            {
                continue;
            }

            occupied++;
            if (Holding(before, slot.Slot, slot.BatteryId) is not { } held)
            {
                moved = true;
                continue;
            }

            var hot = slot.TempC >= options.OverTemperatureC;
            if (message.Ts - held.LastReadingAt >= options.HealthInterval || (hot && !held.Hot))
            {
                pending.Add(Event(stationId, message, BatteryEventKinds.Reading, slot));
                held.LastReadingAt = message.Ts;
                held.Hot = hot;
            }
        }

        if (!moved && occupied == before.Count)
        {
            return custody;
        }

        var after = new List<SlotHolding>(occupied);
        foreach (var slot in message.Slots ?? [])
        {
            if (string.IsNullOrEmpty(slot.BatteryId))
            {
                continue;
            }

            if (Holding(before, slot.Slot, slot.BatteryId) is { } kept)
            {
                after.Add(kept);
                continue;
            }

            if (swappedIn?.Contains(slot.BatteryId) != true)
            {
                pending.Add(Event(stationId, message, BatteryEventKinds.Docked, slot));
                custody++;
            }

            after.Add(new SlotHolding { Slot = slot.Slot, BatteryId = slot.BatteryId, LastReadingAt = message.Ts, Hot = slot.TempC >= options.OverTemperatureC });
        }

        foreach (var held in before)
        {
            if (Holding(after, held.Slot, held.BatteryId) is null && swappedOut?.Contains(held.BatteryId) != true)
            {
                pending.Add(new BatteryEvent(held.BatteryId, stationId, message.Boot, message.Seq,
                    BatteryEventKinds.SlotIndex(BatteryEventKinds.Removed, held.Slot), BatteryEventKinds.Removed, message.Ts, held.Slot));
                custody++;
            }
        }

        state.BatterySlots = after;
        return custody;
    }

    private static SlotHolding? Holding(List<SlotHolding> holdings, int slot, string batteryId)
    {
        foreach (var h in holdings)
        {
            if (h.Slot == slot && h.BatteryId == batteryId)
            {
                return h;
            }
        }

        return null;
    }

    /// <summary>Whether the message would derive a custody event; asked only while the station is at its pending bound.</summary>
    public static bool WouldChangeCustody(StationState state, TelemetryMessage message)
    {
        if ((message.Events ?? []).Any(e => e.Type == EventTypes.Swap))
        {
            return true;
        }

        var slots = (message.Slots ?? []).Where(s => !string.IsNullOrEmpty(s.BatteryId)).ToList();
        return slots.Count != state.BatterySlots.Count
            || slots.Any(s => !state.BatterySlots.Exists(h => h.Slot == s.Slot && h.BatteryId == s.BatteryId));
    }

    private static SlotReading? FindSlot(TelemetryMessage message, int? slot, string batteryId)
    {
        foreach (var s in message.Slots ?? [])
        {
            if (s.Slot == slot && s.BatteryId == batteryId)
            {
                return s;
            }
        }

        return null;
    }

    private static BatteryEvent Event(string stationId, TelemetryMessage message, string kind, SlotReading slot) =>
        new(slot.BatteryId!, stationId, message.Boot, message.Seq, BatteryEventKinds.SlotIndex(kind, slot.Slot), kind, message.Ts, slot.Slot,
            slot.SocPct, slot.SohPct, slot.Cycles, slot.TempC);
}
