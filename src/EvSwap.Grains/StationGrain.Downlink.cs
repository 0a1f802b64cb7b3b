using EvSwap.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace EvSwap.Grains;

/// <summary>The station grain's downlink side: commands and reservations, kept with the station's state.</summary>
public sealed partial class StationGrain : IStationDownlinkGrain
{
    private StationDownlink _downlink = null!;
    private IGrainTimer? _downlinkTimer;

    public async Task<CommandSubmission> SendCommand(CommandRequest request)
    {
        var now = await CatchUpDownlinkAsync();
        var submission = await _downlink.SendAsync(request, now);
        if (submission.Created)
        {
            await DownlinkChangedAsync(now);
        }

        return submission;
    }

    public async Task<IReadOnlyList<CommandView>> GetCommands()
    {
        await CatchUpDownlinkAsync();
        return [.. _downlink.Commands.All.Reverse().Select(c => c.ToView())];
    }

    public async Task<bool> ReportResult(CommandResult result)
    {
        var now = await CatchUpDownlinkAsync();
        if (!_downlink.Report(result, now))
        {
            return false;
        }

        await DownlinkChangedAsync(now);
        return true;
    }

    public async Task<ReservationOutcome> Reserve(ReservationRequest request)
    {
        var now = await CatchUpDownlinkAsync();
        var online = State.HasReported && StationModel.IsOnline(State.LastSeen, now, _options.OfflineAfter);
        var outcome = await _downlink.ReserveAsync(request, online ? StationModel.LatestSlots(State) : null, now);
        if (outcome.Created)
        {
            await DownlinkChangedAsync(now);
        }

        return outcome;
    }

    public async Task<ReservationView?> GetReservation(string reservationId)
    {
        await CatchUpDownlinkAsync();
        return _downlink.Reservations.Find(reservationId)?.ToView(StationId);
    }

    public async Task<IReadOnlyList<ReservationView>> GetReservations()
    {
        await CatchUpDownlinkAsync();
        return [.. _downlink.Reservations.All.Reverse().Select(r => r.ToView(StationId))];
    }

    public async Task<ReservationView?> CancelReservation(string reservationId)
    {
        var now = await CatchUpDownlinkAsync();
        var before = _downlink.Reservations.Find(reservationId)?.IsActive;
        var reservation = await _downlink.CancelAsync(reservationId, now);
        if (before == true)
        {
            await DownlinkChangedAsync(now);
        }

        return reservation;
    }

    public async Task<AvailabilityForecast> GetAvailability(TimeSpan horizon)
    {
        var now = await CatchUpDownlinkAsync();
        return _downlink.Forecast(StationModel.LatestSlots(State), horizon, now);
    }

    private async Task ActivateDownlinkAsync()
    {
        _downlink = new StationDownlink(StationId, State.Downlink, ActivatorUtilities.GetServiceOrCreateInstance<DownlinkContext>(ServiceProvider));
        await CatchUpDownlinkAsync();
        if (_downlink.HasOpenWork)
        {
            // Commands the previous activation had not got through to the broker.
            await _downlink.RepublishAsync(_time.GetUtcNow());
            StartDownlinkTimer();
        }
    }

    /// <summary>Whatever expired while nobody asked (or while no activation existed) expires now, before anything reads it.</summary>
    private async Task<DateTimeOffset> CatchUpDownlinkAsync()
    {
        var now = _time.GetUtcNow();
        if (_downlink.Expire(now))
        {
            await PersistAsync(now);
        }

        return now;
    }

    private async Task DownlinkChangedAsync(DateTimeOffset now)
    {
        // Commands and reservations are few and each change matters to a rider or an operator: written at once.
        _stateDirty = true;
        await PersistAsync(now);
        StartDownlinkTimer();

        // A hold changes what the station offers, and riders pick stations from the fleet list: its index entry's
        // forecast follows at once (downlink changes are rare beside telemetry, and the push is one-way).
        if (State.HasReported)
        {
            await PushIndexAsync(now);
        }
    }

    private void StartDownlinkTimer()
    {
        if (_downlinkTimer is not null || !_downlink.HasOpenWork)
        {
            return;
        }

        var interval = ActivatorUtilities.GetServiceOrCreateInstance<DownlinkContext>(ServiceProvider).Options.TickInterval;

        // Keeps the activation alive while something is open, so a timeout or an expiry happens on time, not at the next call.
        _downlinkTimer = this.RegisterGrainTimer(DownlinkTickAsync, new GrainTimerCreationOptions(interval, interval) { Interleave = false, KeepAlive = true });
    }

    private async Task DownlinkTickAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var changed = _downlink.Expire(now) | await _downlink.RepublishAsync(now);
        if (changed)
        {
            _stateDirty = true;
            await PersistAsync(now);
        }

        if (!_downlink.HasOpenWork)
        {
            _downlinkTimer?.Dispose();
            _downlinkTimer = null;
        }
    }
}
