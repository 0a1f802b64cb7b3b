namespace EvSwap.Grains;

/// <summary>What a station already knows about a message, by its (boot, seq).</summary>
public enum Delivery
{
    /// <summary>Never seen: apply it (count its events) and archive it.</summary>
    New,

    /// <summary>Archived already: nothing to do.</summary>
    Archived,

    /// <summary>Applied (counted) but not archived: archive it if this activation does not hold it in its buffer, count nothing.</summary>
    Applied,

    /// <summary>So far behind the newest of its boot, or of so old a boot, that whether it was seen is no longer known.</summary>
    OutsideWindow,
}
