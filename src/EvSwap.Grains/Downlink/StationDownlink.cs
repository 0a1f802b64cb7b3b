using EvSwap.Contracts;
using Microsoft.Extensions.Logging;

namespace EvSwap.Grains;

/// <summary>
/// One station's downlink, held by its grain: turns operator commands and reservations into records
/// (<see cref="CommandBook"/>, <see cref="ReservationBook"/>), publishes them through <see cref="DownlinkContext"/>,
/// and moves them on as results, telemetry and the clock come in. The grain persists the state after each change.
/// </summary>
public sealed class StationDownlink
{
    private readonly string _stationId;
    private readonly DownlinkContext _context;
    private readonly StationForecaster _forecaster;

    public StationDownlink(string stationId, DownlinkState state, DownlinkContext context)
    {
        _stationId = stationId;
        _context = context;
        Commands = new CommandBook(state.Commands, context.Options.MaxRetainedCommands);
        Reservations = new ReservationBook(state.Reservations, context.Options.MaxRetainedReservations);
        _forecaster = new StationForecaster(stationId, Reservations, Rates, context);
    }

    public CommandBook Commands { get; }
    public ReservationBook Reservations { get; }
    public ChargeRates Rates { get; } = new();

    /// <summary>Something the clock can still change: the grain keeps ticking (and stays active) while this holds.</summary>
    public bool HasOpenWork => Commands.HasOpen || Reservations.HasActive;

    private DownlinkOptions Options => _context.Options;
    private DownlinkMetrics Metrics => _context.Metrics;

    public async Task<CommandSubmission> SendAsync(CommandRequest request, DateTimeOffset now)
    {
        if (Commands.FindByKey(request.IdempotencyKey) is { } existing)
        {
            return existing.Type == request.Type && existing.Slot == request.Slot
                ? new CommandSubmission(existing.ToView(), Created: false, Conflict: null)
                : new CommandSubmission(null, Created: false,
                    $"Idempotency-Key '{request.IdempotencyKey}' was used for command {existing.Id} ({existing.Type}, slot {existing.Slot?.ToString() ?? "none"}); use a new key for a different command.");
        }

        var command = Commands.Create(request.Type, request.Slot, request.SentBy, request.IdempotencyKey, now, Options.CommandTimeout);
        await PublishAsync(command, now);
        return new CommandSubmission(command.ToView(), Created: true, Conflict: null);
    }

    /// <summary>Applies a station's result; true when it named a command of this station.</summary>
    public bool Report(CommandResult result, DateTimeOffset now)
    {
        if (result.CommandId is null || Commands.Find(result.CommandId) is not { } command)
        {
            return false;
        }

        var wasPending = command.Status == CommandStatus.Pending;
        if (Commands.Apply(result, now) is { } changed)
        {
            if (wasPending)
            {
                // The station answered before the broker's PUBACK came back: it has the command, so it was sent.
                Metrics.Command(changed.Type, "sent");
            }

            Metrics.Command(changed);
            if (changed.IsFinal)
            {
                Count(Reservations.OnCommandFinished(changed, now), changed, now);
            }
        }

        return true;
    }

    /// <param name="slots">The station's latest slots; null when it is offline (its slots may be stale).</param>
    public async Task<ReservationOutcome> ReserveAsync(ReservationRequest request, IReadOnlyList<SlotReading>? slots, DateTimeOffset now)
    {
        if (Reservations.FindByKey(request.IdempotencyKey) is { } existing)
        {
            return existing.RiderId == request.RiderId
                ? new ReservationOutcome(existing.ToView(_stationId), Created: false, Unavailable: null, Conflict: null)
                : new ReservationOutcome(null, false, null, $"Idempotency-Key '{request.IdempotencyKey}' was used for another rider's reservation; use a new key.");
        }

        if (request.ReadyBy is { } readyBy && ReadyByProblem(readyBy, now) is { } invalid)
        {
            return new ReservationOutcome(null, false, null, null) { Invalid = invalid };
        }

        if (slots is null)
        {
            return new ReservationOutcome(null, false, $"Station {_stationId} is offline: its slots cannot be trusted and it could not confirm a hold.", null);
        }

        var ttl = request.Ttl ?? Options.DefaultReservationTtl;
        var id = "res-" + Guid.NewGuid().ToString("N")[..20];
        if (request.ReadyBy is { } by && Reservations.PickCharging(slots, s => _forecaster.ChargedAt(s, now), by) is { } charging)
        {
            // Stations hold only charged batteries: this one is asked for once a snapshot shows it charged.
            var waiting = Reservations.Hold(charging.Slot, request.RiderId, request.IdempotencyKey, null, now, by + ttl, id, by, charging.ChargedAt);
            Metrics.Reservation("made");
            return new ReservationOutcome(waiting.ToView(_stationId), Created: true, Unavailable: null, Conflict: null);
        }

        if (Reservations.Pick(slots, _context.ChargedSocPct) is not { } slot)
        {
            var none = $"Station {_stationId} has no ready battery at or above {_context.ChargedSocPct:0.#}% that is not already reserved";
            return new ReservationOutcome(null, false,
                request.ReadyBy is { } b ? $"{none}, and no charging one that its forecast brings there by {b:O}." : none + ".", null);
        }

        var expiresAt = (request.ReadyBy ?? now) + ttl;
        var command = CreateHold(id, slot.Slot, slot.BatteryId!, request.RiderId, now, expiresAt);
        var reservation = Reservations.Hold(slot, request.RiderId, request.IdempotencyKey, command.Id, now, expiresAt, id, request.ReadyBy);
        Metrics.Reservation("made");
        await PublishAsync(command, now);
        return new ReservationOutcome(reservation.ToView(_stationId), Created: true, Unavailable: null, Conflict: null);
    }

    /// <summary>
    /// Ready-by reservations whose battery the newest snapshot shows charged are held at the station now; those whose
    /// battery left its slot fail. True when any changed.
    /// </summary>
    public async Task<bool> HoldChargedAsync(IReadOnlyList<SlotReading> slots, DateTimeOffset now)
    {
        var changed = false;
        foreach (var reservation in Reservations.Waiting.ToList())
        {
            var slot = slots.FirstOrDefault(s => s.Slot == reservation.Slot);
            if (slot?.BatteryId != reservation.BatteryId)
            {
                ReservationBook.Lost(reservation, now);
                Metrics.ReservationEnded(reservation);
                changed = true;
            }
            else if (slot.State == SlotStates.Ready && slot.SocPct >= _context.ChargedSocPct)
            {
                var command = CreateHold(reservation.Id, reservation.Slot, reservation.BatteryId, reservation.RiderId, now, reservation.ExpiresAt);
                reservation.CommandId = command.Id;
                await PublishAsync(command, now);
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Cancels a held reservation and tells the station to let go of the battery; null for an unknown id.</summary>
    public async Task<ReservationView?> CancelAsync(string reservationId, DateTimeOffset now)
    {
        if (Reservations.Find(reservationId) is not { } reservation)
        {
            return null;
        }

        // A ready-by reservation still waiting for its battery to charge was never sent to the station: nothing to release.
        var sent = reservation.CommandId.Length > 0;
        var cancelled = Reservations.Cancel(reservation, now);
        if (cancelled)
        {
            Metrics.ReservationEnded(reservation);
        }

        if (cancelled && sent)
        {
            var release = Commands.Create(CommandTypes.ReleaseReservation, reservation.Slot, "rider:" + reservation.RiderId, null, now,
                Options.CommandTimeout, reservation.Id, reservation.BatteryId);
            await PublishAsync(release, now);
        }

        return reservation.ToView(_stationId);
    }

    /// <summary>Times out commands and expires reservations; true when anything changed.</summary>
    public bool Expire(DateTimeOffset now)
    {
        var changed = false;
        foreach (var command in Commands.Expire(now))
        {
            Metrics.Command(command);
            Count(Reservations.OnCommandFinished(command, now), command, now);
            changed = true;
        }

        foreach (var reservation in Reservations.Expire(now))
        {
            Metrics.ReservationEnded(reservation);
            changed = true;
        }

        return changed;
    }

    /// <summary>Publishes again what the broker has not taken yet; true when any publish got through.</summary>
    public async Task<bool> RepublishAsync(DateTimeOffset now)
    {
        var published = false;
        foreach (var command in Commands.Unsent(now).ToList())
        {
            published |= await PublishAsync(command, now);
        }

        return published;
    }

    /// <summary>An applied message (accepted or late): its swaps fulfil reservations; true when one was fulfilled.</summary>
    public bool OnTelemetry(TelemetryMessage message, bool newest, DateTimeOffset now)
    {
        Rates.ObserveSwaps(message.Events, message.Ts);
        if (newest)
        {
            Rates.Observe(StationModel.SortedSlots(message), message.Ts);
        }

        var fulfilled = Reservations.OnSwaps(message.Events, now);
        fulfilled.ForEach(Metrics.ReservationEnded);
        return fulfilled.Count > 0;
    }

    /// <summary>The view with held slots shown as reserved (before the station's own snapshot says so) and not counted as available.</summary>
    public StationView Overlay(StationView view)
    {
        if (!Reservations.HasActive)
        {
            return view;
        }

        var slots = Reservations.Overlay(view.Slots);
        return view with { Slots = slots, SlotCounts = StationModel.SlotCounts(slots), AvailableCharged = StationModel.AvailableCharged(slots, _context.ChargedSocPct) };
    }

    /// <param name="slots">The station's latest slots, as it reported them.</param>
    public AvailabilityForecast Forecast(IReadOnlyList<SlotReading> slots, TimeSpan horizon, DateTimeOffset now) => _forecaster.Forecast(slots, horizon, now);

    /// <summary>The forecast at the fleet list's fixed horizons, for the station's index entry.</summary>
    public AvailabilityOutlook Outlook(IReadOnlyList<SlotReading> slots, DateTimeOffset now) => _forecaster.Outlook(slots, now);

    /// <summary>Counts what a finished command did to its reservation: confirmed it (and how long that took), ended it.</summary>
    private void Count(ReservationRecord? reservation, CommandRecord command, DateTimeOffset now)
    {
        if (reservation is null)
        {
            return;
        }

        if (command.Status == CommandStatus.Succeeded && reservation.ConfirmedAt == now)
        {
            Metrics.ReservationConfirmed(now - command.CreatedAt);
        }

        if (!reservation.IsActive)
        {
            Metrics.ReservationEnded(reservation);
        }
    }

    /// <summary>Why a ready-by time cannot be served; null when it can.</summary>
    private string? ReadyByProblem(DateTimeOffset readyBy, DateTimeOffset now) =>
        readyBy <= now ? $"readyBy ({readyBy:O}) is not in the future (now {now:O})."
        : readyBy - now > Options.MaxReadyByAhead ? $"readyBy ({readyBy:O}) is more than {DownlinkOptions.Section}:{nameof(DownlinkOptions.MaxReadyByAhead)} ({Options.MaxReadyByAhead}) ahead: the forecast does not reach that far."
        : null;

    /// <summary>The reserve-slot command: the station has Downlink:ReservationConfirmTimeout (at most until the hold ends) to confirm.</summary>
    private CommandRecord CreateHold(string reservationId, int slot, string batteryId, string riderId, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        var confirmBy = expiresAt - now < Options.ReservationConfirmTimeout ? expiresAt - now : Options.ReservationConfirmTimeout;
        return Commands.Create(CommandTypes.ReserveSlot, slot, "rider:" + riderId, null, now, confirmBy, reservationId, batteryId, expiresAt);
    }

    private async Task<bool> PublishAsync(CommandRecord command, DateTimeOffset now)
    {
        try
        {
            await _context.PublishAsync(command.ToWire(_stationId), CancellationToken.None);
            if (CommandBook.MarkPublished(command, now))
            {
                Metrics.Command(command);
            }

            return true;
        }
        catch (Exception ex)
        {
            // Left Pending: the downlink tick publishes it again until it is taken or expires.
            _context.Logger.LogWarning("Station {StationId}: command {CommandId} ({Type}) not published, retrying: {Error}", _stationId, command.Id, command.Type, ex.Message);
            return false;
        }
    }
}
