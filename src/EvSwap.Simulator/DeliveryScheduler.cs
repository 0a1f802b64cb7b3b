using EvSwap.Contracts;

namespace EvSwap.Simulator;

/// <summary>
/// Decides how each station's messages reach the broker: in order on the station's own connection, or held back and
/// sent late, or sent twice, on any of the fleet's connections. Every message is a candidate, swaps and faults
/// included: reordering only event-free messages once hid that the platform dropped late swaps.
/// </summary>
/// <remarks>
/// Each station draws from its own random source seeded from the run's seed and its index, so the same seed gives
/// the same deliveries for a station whatever the other stations do or how the wall clock paces the run.
/// </remarks>
public sealed class DeliveryScheduler
{
    /// <summary>A held message goes out after 1 to this many newer messages of its station: seconds late, as a redelivery is.</summary>
    public const int MaxLag = 3;

    private readonly StationSchedule[] _stations;
    private readonly int _connections;
    private readonly double _duplicates;
    private readonly double _reorder;

    public DeliveryScheduler(int stations, int connections, double duplicates, double reorder, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        _connections = connections;
        _duplicates = duplicates;
        _reorder = reorder;
        _stations = new StationSchedule[stations];
        for (var i = 0; i < stations; i++)
        {
            // A different stream from the station model's (seed * 1_000_003 + index): the same seed must not tie a
            // station's swaps to its reordering.
            _stations[i] = new StationSchedule(new Random(unchecked((seed * 7_368_787) ^ (i * 1_000_039) ^ 0x5EED)));
        }
    }

    /// <summary>The connection a station publishes on when nothing is injected.</summary>
    public int HomeConnection(int station) => station % _connections;

    /// <summary>Schedules a station's next message; appends the publishes due now to <paramref name="deliveries"/> in order.</summary>
    public void Next(int station, TelemetryMessage message, byte[] payload, List<Delivery> deliveries)
    {
        var s = _stations[station];

        // Lateness stays within a boot: what the platform keeps of an earlier boot's messages is bounded by design,
        // so only within a boot does the contract promise that a late message is archived and counted.
        if (s.Held.Exists(h => h.Message.Boot != message.Boot))
        {
            ReleaseAll(s, station, deliveries);
        }

        if (_reorder > 0 && s.Random.NextDouble() < _reorder)
        {
            s.Held.Add(new Held(message, payload, 1 + s.Random.Next(MaxLag), Pick(s, station), IsCopy: false));
            return;
        }

        deliveries.Add(new Delivery(message, payload, HomeConnection(station), IsCopy: false, IsLate: false));

        // Count this message against what waits before its own copy joins the queue: a copy is late only after a newer one.
        ReleaseDue(s, station, deliveries);
        MaybeCopy(s, station, message, payload, deliveries);
    }

    /// <summary>Sends whatever is still held: at the end of a run every message goes out.</summary>
    public void Flush(List<Delivery> deliveries)
    {
        for (var i = 0; i < _stations.Length; i++)
        {
            ReleaseAll(_stations[i], i, deliveries);
        }
    }

    /// <summary>A redelivery: sometimes right away, sometimes after newer messages, on any connection.</summary>
    private void MaybeCopy(StationSchedule s, int station, TelemetryMessage message, byte[] payload, List<Delivery> deliveries)
    {
        if (_duplicates <= 0 || s.Random.NextDouble() >= _duplicates)
        {
            return;
        }

        var connection = Pick(s, station);
        var lag = s.Random.Next(MaxLag + 1);
        if (lag == 0)
        {
            deliveries.Add(new Delivery(message, payload, connection, IsCopy: true, IsLate: false));
        }
        else
        {
            s.Held.Add(new Held(message, payload, lag, connection, IsCopy: true));
        }
    }

    /// <summary>One newer message was sent: whatever has now waited long enough goes out, oldest hold first.</summary>
    private void ReleaseDue(StationSchedule s, int station, List<Delivery> deliveries)
    {
        if (s.Held.Count == 0)
        {
            return;
        }

        for (var i = 0; i < s.Held.Count; i++)
        {
            s.Held[i] = s.Held[i] with { Remaining = s.Held[i].Remaining - 1, Overtaken = true };
        }

        var due = s.Held.FindAll(h => h.Remaining <= 0);
        s.Held.RemoveAll(h => h.Remaining <= 0);
        Send(s, station, due, deliveries);
    }

    /// <summary>Everything held goes out now, copies of what is released included.</summary>
    private void ReleaseAll(StationSchedule s, int station, List<Delivery> deliveries)
    {
        while (s.Held.Count > 0)
        {
            var due = s.Held.ToList();
            s.Held.Clear();
            Send(s, station, due, deliveries);
        }
    }

    /// <summary>A released original may be copied in turn, so late messages are redelivered too.</summary>
    private void Send(StationSchedule s, int station, List<Held> due, List<Delivery> deliveries)
    {
        foreach (var h in due)
        {
            deliveries.Add(new Delivery(h.Message, h.Payload, h.Connection, h.IsCopy, IsLate: h.Overtaken));
            if (!h.IsCopy)
            {
                MaybeCopy(s, station, h.Message, h.Payload, deliveries);
            }
        }
    }

    /// <summary>Any connection of the fleet, the station's own included: a shared subscription spreads one station anyway.</summary>
    private int Pick(StationSchedule s, int station) => _connections == 1 ? HomeConnection(station) : s.Random.Next(_connections);

    private sealed record StationSchedule(Random Random)
    {
        public List<Held> Held { get; } = [];
    }

    private readonly record struct Held(TelemetryMessage Message, byte[] Payload, int Remaining, int Connection, bool IsCopy, bool Overtaken = false);
}
