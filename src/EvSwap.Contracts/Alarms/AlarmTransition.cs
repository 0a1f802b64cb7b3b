namespace EvSwap.Contracts;

/// <summary>
/// A rule's verdict on one condition: raise the alarm <see cref="AlarmId"/>, or clear it. Applying the same transition
/// twice changes nothing, so a station may resend it after a crash or a failed call.
/// </summary>
/// <param name="StationId">The station the alarm belongs to: for a battery's alarm, where the reading that raised it was made (the id says so too).</param>
/// <param name="BatteryId">Set for alarms about a battery rather than a slot.</param>
[GenerateSerializer, Immutable]
public sealed record AlarmTransition(
    [property: Id(0)] string AlarmId,
    [property: Id(1)] string StationId,
    [property: Id(2)] int? Slot,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Severity,
    [property: Id(5)] bool Raise,
    [property: Id(6)] DateTimeOffset At,
    [property: Id(7)] string? Code,
    [property: Id(8)] string Message,
    [property: Id(9)] string? BatteryId = null);
