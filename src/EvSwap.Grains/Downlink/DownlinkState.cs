namespace EvSwap.Grains;

/// <summary>A station's commands and reservations, persisted with its state so both survive a restart or a move.</summary>
[GenerateSerializer]
public sealed class DownlinkState
{
    /// <summary>Oldest first; finished ones beyond Downlink:MaxRetainedCommands are dropped, oldest first.</summary>
    [Id(0)] public List<CommandRecord> Commands { get; set; } = [];

    /// <summary>Oldest first; finished ones beyond Downlink:MaxRetainedReservations are dropped, oldest first.</summary>
    [Id(1)] public List<ReservationRecord> Reservations { get; set; } = [];
}
