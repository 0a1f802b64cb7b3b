using System.Text.Json.Serialization;

namespace EvSwap.Contracts;

/// <summary>One command as published on <c>evswap/v1/stations/{id}/commands</c> (schema <c>evswap.command.v1</c>).</summary>
/// <remarks>
/// A station acts on a command id at most once (a redelivery or a republish after a lost acknowledgement carries the
/// same id) and never after <see cref="ExpiresAt"/>: by then the platform has marked it timed out, so a command that
/// waited in an offline station's session is answered <c>failed</c> with reason <c>expired</c>, not carried out late.
/// </remarks>
public sealed record StationCommand
{
    public const string SchemaV1 = "evswap.command.v1";

    public string Schema { get; set; } = SchemaV1;
    [JsonRequired] public string CommandId { get; set; } = "";
    [JsonRequired] public string StationId { get; set; } = "";
    [JsonRequired] public string Type { get; set; } = "";
    public int? Slot { get; set; }
    public string? ReservationId { get; set; }
    public string? BatteryId { get; set; }
    /// <summary>For <see cref="CommandTypes.ReserveSlot"/>: the station releases the hold by itself at this time.</summary>
    public DateTimeOffset? HoldUntil { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
