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

    public StationDownlink(string stationId, DownlinkState state, DownlinkContext context)
    {
        _stationId = stationId;
        _context = context;
        Commands = new CommandBook(state.Commands, context.Options.MaxRetainedCommands);
        Reservations = new ReservationBook(state.Reservations, context.Options.MaxRetainedReservations);
    }

    public CommandBook Commands { get; }
    public ReservationBook Reservations { get; }
    public ChargeRates Rates { get; } = new();

    /// <summary>Something the clock can still change: the grain keeps ticking (and stays active) while this holds.</summary>
    public bool HasOpenWork => Commands.HasOpen || Reservations.HasActive;

    private DownlinkOptions Options => _context.Options;

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
        if (result.CommandId is null || Commands.Find(result.CommandId) is null)
        {
            return false;
        }

        if (Commands.Apply(result, now) is { IsFinal: true } finished)
        {
            Reservations.OnCommandFinished(finished, now);
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

        if (slots is null)
        {
            return new ReservationOutcome(null, false, $"Station {_stationId} is offline: its slots cannot be trusted and it could not confirm a hold.", null);
        }

        if (Reservations.Pick(slots, _context.ChargedSocPct) is not { } slot)
        {
            return new ReservationOutcome(null, false,
                $"Station {_stationId} has no ready battery at or above {_context.ChargedSocPct:0.#}% that is not already reserved.", null);
        }

        var ttl = request.Ttl ?? Options.DefaultReservationTtl;
        var id = "res-" + Guid.NewGuid().ToString("N")[..20];
        var confirmBy = ttl < Options.ReservationConfirmTimeout ? ttl : Options.ReservationConfirmTimeout;
        var command = Commands.Create(CommandTypes.ReserveSlot, slot.Slot, "rider:" + request.RiderId, null, now, confirmBy, id, slot.BatteryId, now + ttl);
        var reservation = Reservations.Hold(slot, request.RiderId, request.IdempotencyKey, command.Id, now, ttl, id);
        await PublishAsync(command, now);
        return new ReservationOutcome(reservation.ToView(_stationId), Created: true, Unavailable: null, Conflict: null);
    }

    /// <summary>Cancels a held reservation and tells the station to let go of the battery; null for an unknown id.</summary>
    public async Task<ReservationView?> CancelAsync(string reservationId, DateTimeOffset now)
    {
        if (Reservations.Find(reservationId) is not { } reservation)
        {
            return null;
        }

        if (Reservations.Cancel(reservation, now))
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
            Reservations.OnCommandFinished(command, now);
            changed = true;
        }

        return Reservations.Expire(now).Count > 0 || changed;
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

        return Reservations.OnSwaps(message.Events, now).Count > 0;
    }

    /// <summary>The view with held slots shown as reserved (before the station's own snapshot says so) and not counted as available.</summary>
    public StationView Overlay(StationView view)
    {
        if (!Reservations.HasActive)
        {
            return view;
        }

        var slots = OverlaySlots(view.Slots);
        return view with { Slots = slots, SlotCounts = StationModel.SlotCounts(slots), AvailableCharged = StationModel.AvailableCharged(slots, _context.ChargedSocPct) };
    }

    /// <param name="slots">The station's latest slots, as it reported them.</param>
    public AvailabilityForecast Forecast(IReadOnlyList<SlotReading> slots, TimeSpan horizon, DateTimeOffset now)
    {
        var (available, charging, swapsPerHour) = Measure(slots, now);
        var by = now + horizon;
        var chargedBy = charging.Count(s => !s.Held && s.ChargedAt <= by);
        var expectedSwaps = swapsPerHour * horizon.TotalHours;
        return new AvailabilityForecast(_stationId, by, horizon, available, Reservations.Active.Count(), chargedBy, swapsPerHour, expectedSwaps,
            Expected(available, chargedBy, expectedSwaps), charging);
    }

    /// <summary>The forecast at the fleet list's fixed horizons, for the station's index entry.</summary>
    public AvailabilityOutlook Outlook(IReadOnlyList<SlotReading> slots, DateTimeOffset now)
    {
        var (available, charging, swapsPerHour) = Measure(slots, now);
        int In(int minutes) => Expected(available, charging.Count(s => !s.Held && s.ChargedAt <= now.AddMinutes(minutes)), swapsPerHour * minutes / 60.0);
        return new AvailabilityOutlook(In(15), In(30), In(60), now);
    }

    /// <summary>Charged and not held now; each charging slot with the time it reaches the charged level; the recent swap rate.</summary>
    private (int Available, List<SlotForecast> Charging, double SwapsPerHour) Measure(IReadOnlyList<SlotReading> slots, DateTimeOffset now)
    {
        var charged = _context.ChargedSocPct;
        var overlaid = OverlaySlots(slots);
        List<SlotForecast> charging = [];
        foreach (var slot in overlaid)
        {
            if (slot.State != SlotStates.Charging || slot.SocPct is not { } soc)
            {
                continue;
            }

            var rate = Rates.RateOf(slot.Slot);
            DateTimeOffset? chargedAt = soc >= charged ? now : rate is { } r && ChargeCurve.MinutesTo(soc, r, charged) is { } minutes ? now + TimeSpan.FromMinutes(minutes) : null;
            charging.Add(new SlotForecast(slot.Slot, soc, rate, chargedAt) { Held = Reservations.IsHeld(slot) });
        }

        return (StationModel.AvailableCharged(overlaid, charged), charging, Rates.SwapsPerHour(now, Options.SwapRateWindow));
    }

    private static int Expected(int available, int chargedBy, double expectedSwaps) => (int)Math.Max(0, Math.Floor(available + chargedBy - expectedSwaps));

    private IReadOnlyList<SlotReading> OverlaySlots(IReadOnlyList<SlotReading> slots) => Reservations.HasActive
        ? slots.Select(s => s.State == SlotStates.Ready && Reservations.IsHeld(s) ? s with { State = SlotStates.Reserved } : s).ToList()
        : slots;

    private async Task<bool> PublishAsync(CommandRecord command, DateTimeOffset now)
    {
        try
        {
            await _context.PublishAsync(command.ToWire(_stationId), CancellationToken.None);
            CommandBook.MarkPublished(command, now);
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
