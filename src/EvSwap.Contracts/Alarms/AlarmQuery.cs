namespace EvSwap.Contracts;

/// <summary>A page request to an alarm shard: newest raised first; <see cref="After"/> is the last alarm of the previous page.</summary>
[GenerateSerializer, Immutable]
public sealed record AlarmQuery(
    [property: Id(0)] string? State,
    [property: Id(1)] string? Kind,
    [property: Id(2)] string? Severity,
    [property: Id(3)] string? StationId,
    [property: Id(4)] DateTimeOffset? From,
    [property: Id(5)] DateTimeOffset? To,
    [property: Id(6)] AlarmCursor? After,
    [property: Id(7)] int Limit,
    [property: Id(8)] string? BatteryId = null);
