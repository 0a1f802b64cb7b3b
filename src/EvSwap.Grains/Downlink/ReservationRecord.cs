using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>One reservation: which battery a rider holds at this station, and until when.</summary>
[GenerateSerializer]
public sealed class ReservationRecord
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string RiderId { get; set; } = "";
    [Id(2)] public int Slot { get; set; }
    [Id(3)] public string BatteryId { get; set; } = "";
    [Id(4)] public ReservationStatus Status { get; set; }
    [Id(5)] public DateTimeOffset CreatedAt { get; set; }
    [Id(6)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(7)] public DateTimeOffset? ConfirmedAt { get; set; }
    [Id(8)] public DateTimeOffset? EndedAt { get; set; }
    [Id(9)] public string? Reason { get; set; }
    [Id(10)] public string CommandId { get; set; } = "";
    [Id(11)] public string? IdempotencyKey { get; set; }

    /// <summary>When a swap took the held battery before the station confirmed the hold: its answer decides what that swap was.</summary>
    [Id(12)] public DateTimeOffset? SwappedBeforeConfirmAt { get; set; }

    /// <summary>With a ready-by reservation: when the rider needs the battery charged; the hold lasts until <see cref="ExpiresAt"/>, readyBy + ttl.</summary>
    [Id(40)] public DateTimeOffset? ReadyBy { get; set; }

    /// <summary>When the forecast expected the battery (charging when reserved) to be charged.</summary>
    [Id(41)] public DateTimeOffset? ExpectedChargedAt { get; set; }

    /// <summary>Holds a battery that is still charging: the station is asked to hold it once a snapshot shows it charged.</summary>
    public bool IsWaiting => Status == ReservationStatus.Pending && CommandId.Length == 0;

    /// <summary>Holds its battery: no other rider can get it.</summary>
    public bool IsActive => Status is ReservationStatus.Pending or ReservationStatus.Confirmed;

    public ReservationView ToView(string stationId) =>
        new(Id, stationId, RiderId, Slot, BatteryId, Status, CreatedAt, ExpiresAt, ConfirmedAt, EndedAt, Reason, CommandId, IdempotencyKey)
        {
            ReadyBy = ReadyBy,
            ExpectedChargedAt = ExpectedChargedAt,
        };
}
