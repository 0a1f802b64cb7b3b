using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// What the availability forecast measures, per activation and in memory (a fresh activation learns it again within a
/// few snapshots): each charging slot's recent charge rate and the station's recent swaps.
/// </summary>
/// <remarks>
/// The rate is a moving average of the last snapshots' SoC gain per minute for the same battery, so it follows the
/// charger's CC-CV curve: fast in the constant-current phase, slower as the battery nears full; <see cref="ChargeCurve"/>
/// carries it forward.
/// </remarks>
public sealed class ChargeRates
{
    private const double Smoothing = 0.3;
    private readonly Dictionary<int, (string Battery, double Soc, DateTimeOffset At, double? Rate)> _slots = [];
    private readonly Queue<DateTimeOffset> _swaps = new();
    private DateTimeOffset? _since;

    /// <summary>Takes the newest snapshot's slots (late messages do not move rates).</summary>
    public void Observe(IReadOnlyList<SlotReading> slots, DateTimeOffset ts)
    {
        _since ??= ts;
        foreach (var slot in slots)
        {
            if (slot.State != SlotStates.Charging || slot.BatteryId is null || slot.SocPct is not { } soc)
            {
                _slots.Remove(slot.Slot);
                continue;
            }

            double? rate = null;
            if (_slots.TryGetValue(slot.Slot, out var last) && last.Battery == slot.BatteryId && ts > last.At)
            {
                var sample = (soc - last.Soc) / (ts - last.At).TotalMinutes;
                rate = last.Rate is { } r ? r + Smoothing * (sample - r) : sample;
            }

            _slots[slot.Slot] = (slot.BatteryId, soc, ts, rate ?? (last.Battery == slot.BatteryId ? last.Rate : null));
        }
    }

    /// <summary>Swaps count by when they happened, late ones included: the rate is about riders, not messages.</summary>
    public void ObserveSwaps(IReadOnlyList<StationEvent>? events, DateTimeOffset ts)
    {
        _since ??= ts;
        foreach (var e in events ?? [])
        {
            if (e.Type == EventTypes.Swap)
            {
                _swaps.Enqueue(e.At == default ? ts : e.At);
            }
        }
    }

    public double? RateOf(int slot) => _slots.TryGetValue(slot, out var s) ? s.Rate : null;

    /// <summary>Swaps per hour over the window (or over what this activation saw, when that is shorter, at least ten minutes).</summary>
    public double SwapsPerHour(DateTimeOffset now, TimeSpan window)
    {
        while (_swaps.Count > 0 && _swaps.Peek() < now - window)
        {
            _swaps.Dequeue();
        }

        if (_since is not { } since || _swaps.Count == 0)
        {
            return 0;
        }

        var observed = TimeSpan.FromTicks(Math.Clamp((now - since).Ticks, TimeSpan.FromMinutes(10).Ticks, window.Ticks));
        return _swaps.Count / observed.TotalHours;
    }
}
