using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>One command the platform sent a station, with where it is in its lifecycle.</summary>
[GenerateSerializer]
public sealed class CommandRecord
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Type { get; set; } = "";
    [Id(2)] public int? Slot { get; set; }
    [Id(3)] public string SentBy { get; set; } = "";
    [Id(4)] public string? IdempotencyKey { get; set; }
    [Id(5)] public CommandStatus Status { get; set; }
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
    [Id(7)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(8)] public DateTimeOffset? SentAt { get; set; }
    [Id(9)] public DateTimeOffset? AcknowledgedAt { get; set; }
    [Id(10)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(11)] public string? Reason { get; set; }
    [Id(12)] public string? ReservationId { get; set; }
    [Id(13)] public string? BatteryId { get; set; }
    [Id(14)] public DateTimeOffset? HoldUntil { get; set; }
    [Id(15)] public int Publishes { get; set; }

    public bool IsFinal => Status is CommandStatus.Succeeded or CommandStatus.Failed or CommandStatus.TimedOut;

    public StationCommand ToWire(string stationId) => new()
    {
        CommandId = Id,
        StationId = stationId,
        Type = Type,
        Slot = Slot,
        ReservationId = ReservationId,
        BatteryId = BatteryId,
        HoldUntil = HoldUntil,
        IssuedAt = CreatedAt,
        ExpiresAt = ExpiresAt,
    };

    public CommandView ToView() =>
        new(Id, Type, Slot, Status, SentBy, CreatedAt, ExpiresAt, SentAt, AcknowledgedAt, CompletedAt, Reason, ReservationId, IdempotencyKey, Publishes);
}
