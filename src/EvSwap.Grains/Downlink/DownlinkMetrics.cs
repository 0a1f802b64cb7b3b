using System.Diagnostics.Metrics;
using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// Downlink instruments on the <c>EvSwap.Downlink</c> meter: how commands and reservations fare, and how long a station
/// takes to confirm a hold (a rider waits on it in the app).
/// </summary>
public sealed class DownlinkMetrics
{
    public const string MeterName = "EvSwap.Downlink";
    public const string CommandsName = "evswap.downlink.commands";
    public const string ReservationsName = "evswap.downlink.reservations";
    public const string ConfirmationTimeName = "evswap.downlink.reservation.confirmation_time";

    private readonly Counter<long> _commands;
    private readonly Counter<long> _reservations;
    private readonly Histogram<double> _confirmation;

    public DownlinkMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _commands = meter.CreateCounter<long>(CommandsName, "{command}",
            "Commands by type and what happened to them: sent (the broker or the station took it), acknowledged, succeeded, failed, timed_out.");
        _reservations = meter.CreateCounter<long>(ReservationsName, "{reservation}",
            "Reservations by what happened to them: made, confirmed (the station holds the battery), fulfilled, expired, cancelled, failed.");
        _confirmation = meter.CreateHistogram<double>(ConfirmationTimeName, "ms",
            "From the hold command's creation (the rider's request, or a ready-by battery reaching charge) to the station's confirmation.");
    }

    public void Command(string type, string status) =>
        _commands.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("status", status));

    /// <summary>A command's new state, as a status tag; Pending is not counted (every command starts there).</summary>
    public void Command(CommandRecord command)
    {
        if (StatusTag(command.Status) is { } status)
        {
            Command(command.Type, status);
        }
    }

    public void Reservation(string status) => _reservations.Add(1, new KeyValuePair<string, object?>("status", status));

    /// <summary>A reservation that ended, by how.</summary>
    public void ReservationEnded(ReservationRecord reservation) => Reservation(reservation.Status switch
    {
        ReservationStatus.Fulfilled => "fulfilled",
        ReservationStatus.Expired => "expired",
        ReservationStatus.Cancelled => "cancelled",
        _ => "failed",
    });

    public void ReservationConfirmed(TimeSpan sinceHoldSent)
    {
        Reservation("confirmed");
        _confirmation.Record(sinceHoldSent.TotalMilliseconds);
    }

    private static string? StatusTag(CommandStatus status) => status switch
    {
        CommandStatus.Sent => "sent",
        CommandStatus.Acknowledged => "acknowledged",
        CommandStatus.Succeeded => "succeeded",
        CommandStatus.Failed => "failed",
        CommandStatus.TimedOut => "timed_out",
        _ => null,
    };
}
