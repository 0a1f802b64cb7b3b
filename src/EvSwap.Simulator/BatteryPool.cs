namespace EvSwap.Simulator;

/// <summary>
/// Batteries out with riders. A swap hands the leaving battery to a rider, who rides for a while (half to one and a half
/// times <c>--ride</c>) and brings it back, with less charge, to whichever station draws it next; so battery ids move
/// between stations over a run. Shared by every station of the process; stations step on one thread at a time.
/// </summary>
public sealed class BatteryPool(TimeSpan meanRide)
{
    /// <summary>Share of minted batteries that are bad (half fade fast, half run hot): "a few" in a fleet.</summary>
    public const double DefectiveShare = 0.04;

    /// <summary>State of charge a rider uses per minute of riding, in percent.</summary>
    private const double SocPerRideMinute = 1.2;

    private readonly List<Battery> _withRiders = [];
    private readonly Lock _gate = new();
    private int _next;

    public BatteryPool()
        : this(TimeSpan.FromMinutes(30))
    {
    }

    public int InVehicles
    {
        get
        {
            lock (_gate)
            {
                return _withRiders.Count;
            }
        }
    }

    /// <summary>A battery whose ride is over, or a new one when none is back yet (a rider joining the fleet).</summary>
    public Battery Take(Random random, DateTimeOffset now)
    {
        lock (_gate)
        {
            var back = 0;
            foreach (var b in _withRiders)
            {
                back += b.BackAt <= now ? 1 : 0;
            }

            if (back == 0)
            {
                _next++;
                var draw = random.NextDouble();
                var defect = draw < DefectiveShare / 2 ? BatteryDefect.FastFade : draw < DefectiveShare ? BatteryDefect.RunsHot : BatteryDefect.None;
                return new Battery($"bat-{_next:D6}", 100 - random.NextDouble() * 15, random.Next(0, 1200), defect);
            }

            var pick = random.Next(back);
            for (var i = 0; i < _withRiders.Count; i++)
            {
                if (_withRiders[i].BackAt <= now && pick-- == 0)
                {
                    var battery = _withRiders[i];
                    _withRiders[i] = _withRiders[^1];
                    _withRiders.RemoveAt(_withRiders.Count - 1);
                    return battery;
                }
            }

            throw new InvalidOperationException("unreachable: a battery counted as back was not found");
        }
    }

    /// <summary>A rider leaves with the battery at <paramref name="socOut"/>.</summary>
    public void Return(Battery battery, DateTimeOffset now, double socOut, Random random)
    {
        var ride = meanRide * (0.5 + random.NextDouble());
        battery.BackAt = now + ride;
        battery.SocOnReturn = Math.Max(5, socOut - ride.TotalMinutes * SocPerRideMinute);
        lock (_gate)
        {
            _withRiders.Add(battery);
        }
    }
}
