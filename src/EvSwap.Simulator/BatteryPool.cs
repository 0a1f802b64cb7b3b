namespace EvSwap.Simulator;

/// <summary>
/// Batteries out in vehicles. A swap returns the leaving battery here and takes an arriving one, so battery ids
/// move between stations over a run. Shared by every station of the process; stations step on one thread at a time.
/// </summary>
public sealed class BatteryPool
{
    private readonly List<Battery> _inVehicles = [];
    private readonly Lock _gate = new();
    private int _next;

    public int InVehicles
    {
        get
        {
            lock (_gate)
            {
                return _inVehicles.Count;
            }
        }
    }

    public Battery Take(Random random)
    {
        lock (_gate)
        {
            // Keep a float of vehicles on the road; mint a new battery when it runs low.
            if (_inVehicles.Count < 8)
            {
                _next++;
                return new Battery($"bat-{_next:D6}", 100 - random.NextDouble() * 15, random.Next(0, 1200));
            }

            var i = random.Next(_inVehicles.Count);
            var battery = _inVehicles[i];
            _inVehicles[i] = _inVehicles[^1];
            _inVehicles.RemoveAt(_inVehicles.Count - 1);
            return battery;
        }
    }

    public void Return(Battery battery)
    {
        lock (_gate)
        {
            _inVehicles.Add(battery);
        }
    }
}
