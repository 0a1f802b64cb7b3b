namespace EvSwap.Contracts;

public static class BatteryEventKinds
{
    /// <summary>The battery is in a station's slot (newly seen there, or brought in by a swap).</summary>
    public const string Docked = "docked";

    /// <summary>A swap handed the battery to a rider.</summary>
    public const string SwappedOut = "swapped-out";

    /// <summary>The battery left its slot without a swap (maintenance, theft, a missed event).</summary>
    public const string Removed = "removed";

    /// <summary>A health reading of a battery that stays where it is.</summary>
    public const string Reading = "reading";

    /// <summary>Snapshot-derived events have indexes from here up, so they never collide with a swap event's index.</summary>
    public const int SlotIndexBase = 100_000;

    /// <summary>Per kind, an offset added to <see cref="SlotIndexBase"/> + slot: a removal sorts before a docking of the same message.</summary>
    public static int SlotIndex(string kind, int slot) => SlotIndexBase + slot + kind switch
    {
        Removed => 0,
        Docked => 10_000,
        _ => 20_000,
    };

    public static bool IsCustody(string kind) => kind is Docked or SwappedOut or Removed;
}
