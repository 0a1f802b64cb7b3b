namespace EvSwap.Contracts;

/// <summary>One alarm and its lifecycle. Immutable: every change is a new record, so a shard hands records out safely.</summary>
/// <param name="Id">Derived from the station, kind, slot and the message that raised it (<see cref="AlarmIds"/>).</param>
[GenerateSerializer, Immutable]
public sealed record Alarm(
    [property: Id(0)] string Id,
    [property: Id(1)] string StationId,
    [property: Id(2)] int? Slot,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Severity,
    [property: Id(5)] string? Code,
    [property: Id(6)] string Message,
    [property: Id(7)] DateTimeOffset RaisedAt,
    [property: Id(8)] DateTimeOffset? ClearedAt,
    [property: Id(9)] DateTimeOffset? AcknowledgedAt,
    [property: Id(10)] string? AcknowledgedBy,
    [property: Id(11)] string? Assignee,
    [property: Id(12)] IReadOnlyList<AlarmComment> Comments,
    [property: Id(13)] string? BatteryId = null,
    [property: Id(14)] DateTimeOffset? EscalatedAt = null)
{
    public string State => AlarmStates.Of(ClearedAt is not null, AcknowledgedAt is not null);
}
