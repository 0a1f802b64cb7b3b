namespace EvSwap.Bridge;

/// <summary>The slots this silo holds, shared between the lease loop, shutdown and the connections' callbacks.</summary>
internal sealed class LeasedSlots
{
    private readonly Dictionary<int, LeasedSlot> _slots = [];
    private bool _stopping;

    /// <summary>Set once shutdown began: nothing is added from then on.</summary>
    public bool Stopping
    {
        get
        {
            lock (_slots)
            {
                return _stopping;
            }
        }
    }

    /// <summary>Slots whose connections carry traffic: held, and not being handed back.</summary>
    public IReadOnlyList<ClientIdSlot> InUse
    {
        get
        {
            lock (_slots)
            {
                return [.. _slots.Values.Where(s => !s.Draining).Select(s => s.Slot).OrderBy(s => s.Number)];
            }
        }
    }

    public int ActiveCount => InUse.Count;

    public bool Contains(int number)
    {
        lock (_slots)
        {
            return _slots.ContainsKey(number);
        }
    }

    public LeasedSlot? Get(int number)
    {
        lock (_slots)
        {
            return _slots.GetValueOrDefault(number);
        }
    }

    public List<LeasedSlot> All()
    {
        lock (_slots)
        {
            return [.. _slots.Values];
        }
    }

    /// <returns>False once shutdown began: the caller gives the lease back unused.</returns>
    public bool TryAdd(LeasedSlot slot, Action whileAdding)
    {
        lock (_slots)
        {
            if (_stopping)
            {
                return false;
            }

            _slots[slot.Slot.Number] = slot;
            whileAdding();
            return true;
        }
    }

    public void Remove(LeasedSlot slot)
    {
        lock (_slots)
        {
            if (_slots.TryGetValue(slot.Slot.Number, out var current) && ReferenceEquals(current, slot))
            {
                _slots.Remove(slot.Slot.Number);
            }
        }
    }

    /// <summary>Marks the highest-numbered slot in use other than <paramref name="except"/> for hand-back.</summary>
    public LeasedSlot? TakeSurplus(int except)
    {
        lock (_slots)
        {
            var surplus = _slots.Values.Where(s => !s.Draining && s.Slot.Number != except).MaxBy(s => s.Slot.Number);
            surplus?.Draining = true;
            return surplus;
        }
    }

    /// <summary>Starts shutdown: every slot in use is marked for hand-back and returned.</summary>
    public List<LeasedSlot> BeginStop()
    {
        lock (_slots)
        {
            _stopping = true;
            List<LeasedSlot> slots = [.. _slots.Values.Where(s => !s.Draining)];
            slots.ForEach(s => s.Draining = true);
            return slots;
        }
    }
}
