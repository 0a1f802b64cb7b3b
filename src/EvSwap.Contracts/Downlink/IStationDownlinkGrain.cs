namespace EvSwap.Contracts;

/// <summary>
/// The station grain's downlink side (the same activation as <see cref="IStationGrain"/>, keyed by station id):
/// operator commands, reservations, and the results stations report for them.
/// </summary>
public interface IStationDownlinkGrain : IGrainWithStringKey
{
    Task<CommandSubmission> SendCommand(CommandRequest request);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<CommandView>> GetCommands();

    /// <summary>A station's answer from <c>command-results</c>; false when it names a command the station does not have.</summary>
    Task<bool> ReportResult(CommandResult result);

    Task<ReservationOutcome> Reserve(ReservationRequest request);

    Task<ReservationView?> GetReservation(string reservationId);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<ReservationView>> GetReservations();

    /// <summary>Cancels a reservation still held; returns it as it is now, or null when the station has no such reservation.</summary>
    Task<ReservationView?> CancelReservation(string reservationId);

    Task<AvailabilityForecast> GetAvailability(TimeSpan horizon);
}
