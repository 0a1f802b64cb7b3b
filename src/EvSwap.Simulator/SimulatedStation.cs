using EvSwap.Contracts;

namespace EvSwap.Simulator;

/// <summary>
/// One modelled swap station. Its state advances in fixed steps of the reporting interval, driven only by its own
/// seeded random source, so a run with the same seed produces the same snapshots whatever the wall clock does.
/// </summary>
public sealed partial class SimulatedStation
{
    private readonly Slot[] _slots;
    private readonly Random _random;
    private readonly StationProfile _profile;
    private readonly BatteryPool _pool;
    private readonly double _ambientOffset;
    private int _silentSteps;

    public SimulatedStation(string id, int index, StationProfile profile, BatteryPool pool, int seed, long boot, DateTimeOffset? start = null)
    {
        Id = id;
        _profile = profile;
        _pool = pool;
        // Not HashCode.Combine: it is randomised per process, and --seed must give the same fleet every run.
        _random = new Random(unchecked((seed * 1_000_003) + index));
        _ambientOffset = _random.NextDouble() * 6 - 3;
        Boot = boot;
        _slots = new Slot[profile.Slots];
        var t0 = start ?? DateTimeOffset.UtcNow;
        for (var i = 0; i < _slots.Length; i++)
        {
            // Start mid-day: some batteries charged and waiting, some charging, a few slots empty.
            var draw = _random.NextDouble();
            _slots[i] = draw < 0.4 ? new Slot { Battery = pool.Take(_random, t0), State = SlotStates.Ready, Soc = 100, TempC = 24 }
                : draw < 0.85 ? new Slot { Battery = pool.Take(_random, t0), State = SlotStates.Charging, Soc = 20 + _random.NextDouble() * 75, TempC = 30 }
                : new Slot { State = SlotStates.Empty, TempC = 20 };
        }
    }

    public string Id { get; }
    public long Boot { get; private set; }

    /// <summary>Sequence number of the last snapshot produced (-1 before the first).</summary>
    public long Seq { get; private set; } = -1;

    public int BatteryCount => _slots.Count(s => s.Battery is not null);

    /// <summary>
    /// Advances the model by <paramref name="dt"/> and returns the snapshot to publish, or null while the station is in
    /// a drop-out (it keeps running but its link is down).
    /// </summary>
    public TelemetryMessage? Step(DateTimeOffset now, TimeSpan dt)
    {
        var seconds = dt.TotalSeconds;
        // Reserved swaps happen between steps; a drop-out keeps them for the next snapshot (the platform's reservation
        // waits for that swap), whereas the model's own swaps in a drop-out are never reported.
        var carried = PendingEvents.ToArray();
        var events = new List<StationEvent>(carried);
        PendingEvents.Clear();
        var ambient = 15 + 7 * Math.Sin((now.UtcDateTime.TimeOfDay.TotalHours - 9) / 24 * 2 * Math.PI) + _ambientOffset;

        if (Happens(_profile.RebootsPerDay / 86400 * seconds))
        {
            Boot++;
            Seq = -1;
        }

        ReleaseExpiredHolds(now);
        var power = 0.0;
        foreach (var slot in _slots)
        {
            power += Advance(slot, ambient, seconds, now, events);
        }

        var rate = _profile.SwapsPerHour * DailyProfile(now) / 3600 * seconds;
        for (var swaps = Poisson(rate); swaps > 0; swaps--)
        {
            Swap(now, events);
        }

        if (_silentSteps > 0)
        {
            _silentSteps--;
            PendingEvents.AddRange(carried);
            return null;
        }

        if (Happens(_profile.DropoutsPerDay / 86400 * seconds))
        {
            _silentSteps = 3 + _random.Next(10);
            PendingEvents.AddRange(carried);
            return null;
        }

        Seq++;
        return new TelemetryMessage
        {
            Schema = TelemetryMessage.SchemaV1,
            StationId = Id,
            Boot = Boot,
            Seq = Seq,
            Ts = now,
            AmbientC = Math.Round(ambient, 1),
            GridPowerKw = Math.Round(power, 1),
            Slots = [.. _slots.Select((s, i) => s.ToReading(i + 1))],
            Events = events.Count == 0 ? null : events,
        };
    }

    /// <summary>
    /// Morning and evening commuter peaks around a quieter night: weights average to about one over a day.
    /// </summary>
    internal static double DailyProfile(DateTimeOffset now)
    {
        var h = now.UtcDateTime.TimeOfDay.TotalHours;
        double Peak(double centre) => Math.Exp(-Math.Pow(h - centre, 2) / 2);
        return 0.35 + 1.6 * Peak(8) + 1.6 * Peak(18);
    }

    private double Advance(Slot slot, double ambient, double seconds, DateTimeOffset now, List<StationEvent> events)
    {
        var power = 0.0;
        if (slot.State == SlotStates.Fault)
        {
            slot.FaultRemaining -= seconds;
            if (slot.FaultRemaining <= 0)
            {
                slot.State = slot.Battery is null ? SlotStates.Empty : SlotStates.Charging;
            }
        }
        else if (slot.State == SlotStates.Charging && slot.Battery is not null)
        {
            // CC-CV: constant current to ~80 %, then a taper that slows as the cell nears full.
            var cc = slot.Soc < 80;
            var pctPerSecond = cc ? 1.2 / 60 : 1.2 / 60 * Math.Max(0.05, (100 - slot.Soc) / 20);
            slot.Soc = Math.Min(100, slot.Soc + pctPerSecond * seconds * slot.Battery.SohPct / 100);
            power = _profile.ChargerKw * (cc ? 1 : Math.Max(0.05, (100 - slot.Soc) / 20));
            if (slot.Soc >= 99.5)
            {
                slot.Soc = 100;
                slot.State = SlotStates.Ready;
            }
        }

        // Temperature relaxes towards ambient plus self-heating from charge power (time constant ~5 minutes).
        var target = ambient + 3.2 * power + (slot.State == SlotStates.Charging ? slot.Battery?.ExtraChargeTempC ?? 0 : 0);
        slot.TempC += (target - slot.TempC) * (1 - Math.Exp(-seconds / 300));

        if (slot.Battery is not null && slot.State != SlotStates.Fault && Happens(_profile.FaultsPerSlotPerDay / 86400 * seconds))
        {
            var overTemp = _random.NextDouble() < 0.5;
            slot.State = SlotStates.Fault;
            slot.FaultRemaining = 120 + _random.NextDouble() * 600;
            if (overTemp)
            {
                slot.TempC = 58 + _random.NextDouble() * 6;
            }

            events.Add(new StationEvent { Type = EventTypes.Fault, At = now, Slot = Array.IndexOf(_slots, slot) + 1, Code = overTemp ? "OVERTEMP" : "CONTACTOR" });
        }

        return power;
    }

    /// <summary>A driver returns a depleted battery and leaves with the fullest ready one.</summary>
    private void Swap(DateTimeOffset now, List<StationEvent> events)
    {
        var outIndex = -1;
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].State == SlotStates.Ready && (outIndex < 0 || _slots[i].Soc > _slots[outIndex].Soc))
            {
                outIndex = i;
            }
        }

        if (outIndex < 0)
        {
            return; // nothing charged: the driver leaves without a swap
        }

        SwapOut(outIndex, now, events);
    }

    private void SwapOut(int outIndex, DateTimeOffset now, List<StationEvent> events)
    {
        // The car's battery comes from the road before the charged one goes out to it: never the same battery.
        var arriving = _pool.Take(_random, now);
        var leaving = _slots[outIndex].Battery!;
        var socOut = Math.Round(_slots[outIndex].Soc, 1);
        _slots[outIndex] = new Slot { State = SlotStates.Empty, TempC = _slots[outIndex].TempC };
        _pool.Return(leaving, now, socOut, _random);

        var inIndex = Array.FindIndex(_slots, s => s.State == SlotStates.Empty);
        arriving.Cycles++;
        arriving.SohPct = Math.Max(60, arriving.SohPct - arriving.SohLossPerCycle);
        _slots[inIndex] = new Slot { Battery = arriving, State = SlotStates.Charging, Soc = Math.Round(arriving.SocOnReturn, 1), TempC = 30 + _random.NextDouble() * 5 };
        // The cabinet measured both batteries at the swap: the ledger bills from these even when the message is late.
        events.Add(new StationEvent
        {
            Type = EventTypes.Swap, At = now, SlotIn = inIndex + 1, BatteryIn = arriving.Id, SlotOut = outIndex + 1, BatteryOut = leaving.Id,
            SocIn = Math.Round(_slots[inIndex].Soc, 1), SocOut = socOut,
        });
    }

    private bool Happens(double probability) => _random.NextDouble() < probability;

    private int Poisson(double mean)
    {
        // Knuth's method; means here are far below one per step.
        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = _random.NextDouble(); p > limit; p *= _random.NextDouble())
        {
            k++;
        }

        return k;
    }

    private sealed class Slot
    {
        public Battery? Battery { get; set; }
        public string State { get; set; } = SlotStates.Empty;
        public double Soc { get; set; }
        public double TempC { get; set; }
        public double FaultRemaining { get; set; }

        /// <summary>The reservation this slot's battery is held for (state reserved), and until when.</summary>
        public string? ReservationId { get; set; }
        public DateTimeOffset HoldUntil { get; set; }

        public SlotReading ToReading(int number) => Battery is null
            ? new SlotReading { Slot = number, State = State == SlotStates.Fault ? SlotStates.Fault : SlotStates.Empty, TempC = Math.Round(TempC, 1) }
            : new SlotReading
            {
                Slot = number,
                State = State,
                BatteryId = Battery.Id,
                SocPct = Math.Round(Soc, 1),
                TempC = Math.Round(TempC, 1),
                SohPct = Math.Round(Battery.SohPct, 1),
                Cycles = Battery.Cycles,
            };
    }
}
