namespace EvSwap.Bridge;

/// <summary>Why the bridge refused a message without acknowledging it (the <c>reason</c> of <c>evswap.bridge.refused</c>).</summary>
public enum RefusalReason
{
    /// <summary>The silo holding the station's grain is at <c>Archive:MaxUnarchivedBytesPerSilo</c>.</summary>
    UnarchivedBudget,

    /// <summary>This silo holds <c>Archive:MaxRejectedBytesPerSilo</c> of dead letters the archive has not taken yet.</summary>
    DeadLetterBudget,
}
