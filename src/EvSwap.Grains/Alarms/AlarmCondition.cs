namespace EvSwap.Grains;

/// <summary>Where one rule stands for one slot (or the station): pending, raised, or clearing.</summary>
[GenerateSerializer]
public sealed class AlarmCondition
{
    /// <summary>The raised alarm's id while the condition is active; null otherwise.</summary>
    [Id(0)] public string? AlarmId { get; set; }

    [Id(1)] public DateTimeOffset? PendingSince { get; set; }

    [Id(2)] public int PendingCount { get; set; }

    [Id(3)] public DateTimeOffset? ClearingSince { get; set; }

    public bool Active => AlarmId is not null;

    /// <summary>Nothing to remember: the entry can go.</summary>
    public bool Idle => AlarmId is null && PendingSince is null && ClearingSince is null;
}
