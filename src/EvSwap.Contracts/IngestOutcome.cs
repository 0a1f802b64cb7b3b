namespace EvSwap.Contracts;

/// <summary>What a station did with a message; every outcome but <see cref="OutsideWindow"/> means it may be acknowledged.</summary>
public enum IngestOutcome
{
    /// <summary>New and the newest: applied, buffered for the archive, shown in the live view.</summary>
    Accepted,

    /// <summary>New but behind the newest: its events counted and buffered for the archive; the live view unchanged.</summary>
    Late,

    /// <summary>Seen before (archived, or waiting in the buffer): nothing applied or archived again.</summary>
    Duplicate,

    /// <summary>Counted before, but lost from memory before it was archived (a crash): archived now, counted no second time.</summary>
    Rearchived,

    /// <summary>
    /// Too far behind the station's newest to tell from a duplicate (Station:DeliveryWindow): nothing applied. The caller
    /// dead-letters it, so it is kept, not dropped.
    /// </summary>
    OutsideWindow,
}
