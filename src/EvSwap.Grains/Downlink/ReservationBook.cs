using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// The reservations of one station, free of Orleans and of I/O: picks the battery, holds it, and ends each reservation
/// exactly once (fulfilled by a swap of its battery, expired, cancelled, or failed when the station refused or never
/// confirmed). The grain runs one call at a time, so two riders never get the same battery.
/// </summary>
public sealed class ReservationBook(List<ReservationRecord> reservations, int maxRetained)
{
    public IReadOnlyList<ReservationRecord> All => reservations;

    public IEnumerable<ReservationRecord> Active => reservations.Where(r => r.IsActive);

    public bool HasActive => reservations.Exists(r => r.IsActive);

    public ReservationRecord? Find(string id) => reservations.Find(r => r.Id == id);

    public ReservationRecord? FindByKey(string? idempotencyKey) =>
        idempotencyKey is null ? null : reservations.Find(r => r.IdempotencyKey == idempotencyKey);

    /// <summary>
    /// The charged, ready battery to hold: the fullest not already held, lowest slot on a tie. Null when there is none.
    /// </summary>
    public SlotReading? Pick(IReadOnlyList<SlotReading> slots, double chargedSocPct)
    {
        SlotReading? best = null;
        foreach (var slot in slots)
        {
            if (slot.State != SlotStates.Ready || slot.SocPct is not { } soc || soc < chargedSocPct || slot.BatteryId is null || IsHeld(slot))
            {
                continue;
            }

            if (best is null || soc > best.SocPct || (soc == best.SocPct && slot.Slot < best.Slot))
            {
                best = slot;
            }
        }

        return best;
    }

    /// <summary>
    /// For a rider who needs a battery by <paramref name="readyBy"/>: the unheld charging battery expected to reach the
    /// charged level soonest, if that is by then (soonest leaves the most margin for the forecast to be off). Charging
    /// batteries go first so that those charged now stay with walk-in riders. Null when none will be ready in time.
    /// </summary>
    public (SlotReading Slot, DateTimeOffset ChargedAt)? PickCharging(IReadOnlyList<SlotReading> slots, Func<SlotReading, DateTimeOffset?> chargedAt, DateTimeOffset readyBy)
    {
        (SlotReading Slot, DateTimeOffset ChargedAt)? best = null;
        foreach (var slot in slots)
        {
            if (slot.State != SlotStates.Charging || slot.BatteryId is null || IsHeld(slot) || chargedAt(slot) is not { } at || at > readyBy)
            {
                continue;
            }

            if (best is not { } b || at < b.ChargedAt || (at == b.ChargedAt && slot.Slot < b.Slot.Slot))
            {
                best = (slot, at);
            }
        }

        return best;
    }

    /// <summary>Ready-by reservations whose battery is still charging: the station has not been asked to hold it yet.</summary>
    public IEnumerable<ReservationRecord> Waiting => reservations.Where(r => r.IsWaiting);

    /// <summary>Slots with held ready batteries shown as reserved, before the station's own snapshot says so.</summary>
    public IReadOnlyList<SlotReading> Overlay(IReadOnlyList<SlotReading> slots) => HasActive
        ? slots.Select(s => s.State == SlotStates.Ready && IsHeld(s) ? s with { State = SlotStates.Reserved } : s).ToList()
        : slots;

    public bool IsHeld(SlotReading slot) => reservations.Exists(r => r.IsActive && (r.Slot == slot.Slot || r.BatteryId == slot.BatteryId));

    /// <param name="commandId">The reserve-slot command; null for a ready-by reservation of a battery still charging.</param>
    /// <param name="expiresAt">When the hold ends without a swap.</param>
    public ReservationRecord Hold(SlotReading slot, string riderId, string? idempotencyKey, string? commandId, DateTimeOffset now, DateTimeOffset expiresAt, string id,
        DateTimeOffset? readyBy = null, DateTimeOffset? expectedChargedAt = null)
    {
        var record = new ReservationRecord
        {
            Id = id,
            RiderId = riderId,
            Slot = slot.Slot,
            BatteryId = slot.BatteryId!,
            Status = ReservationStatus.Pending,
            CreatedAt = now,
            ExpiresAt = expiresAt,
            CommandId = commandId ?? "",
            IdempotencyKey = idempotencyKey,
            ReadyBy = readyBy,
            ExpectedChargedAt = expectedChargedAt,
        };
        reservations.Add(record);
        Trim();
        return record;
    }

    /// <summary>The reserve-slot command of a reservation finished: the station confirmed, refused, or never answered.</summary>
    public ReservationRecord? OnCommandFinished(CommandRecord command, DateTimeOffset now)
    {
        if (command.ReservationId is not { } id || command.Type != CommandTypes.ReserveSlot || Find(id) is not { IsActive: true } reservation)
        {
            return null;
        }

        switch (command.Status)
        {
            case CommandStatus.Succeeded when reservation.Status == ReservationStatus.Pending:
                reservation.Status = ReservationStatus.Confirmed;
                reservation.ConfirmedAt = now;
                if (reservation.SwappedBeforeConfirmAt is { } swappedAt)
                {
                    // The station held the battery, so the swap seen earlier (results and telemetry are separate
                    // topics, in no particular order) was the rider's.
                    End(reservation, ReservationStatus.Fulfilled, null, now);
                    reservation.EndedAt = swappedAt;
                }

                return reservation;
            case CommandStatus.Failed:
                End(reservation, ReservationStatus.Failed, $"the station refused the hold: {command.Reason}", now);
                return reservation;
            case CommandStatus.TimedOut when reservation.Status == ReservationStatus.Pending:
                End(reservation, ReservationStatus.Failed, "the station did not confirm the hold in time", now);
                return reservation;
            default:
                return null;
        }
    }

    /// <summary>Swaps that took a held battery fulfil its reservation; returns those fulfilled.</summary>
    public List<ReservationRecord> OnSwaps(IReadOnlyList<StationEvent>? events, DateTimeOffset now)
    {
        List<ReservationRecord> fulfilled = [];
        foreach (var e in events ?? [])
        {
            if (e.Type != EventTypes.Swap)
            {
                continue;
            }

            // A station lets its hold go at expiresAt, so a swap from then on is a walk-in's even when the expiry timer
            // has not ended the reservation yet.
            var at = e.At == default ? now : e.At;
            var reservation = reservations.Find(r => r.IsActive && at < r.ExpiresAt && (e.BatteryOut is { } b ? r.BatteryId == b : r.Slot == e.SlotOut));
            if (reservation is { Status: ReservationStatus.Pending })
            {
                // Not held yet: a walk-in may have taken the battery before the hold arrived (the station then refuses
                // it), or the station held it and its confirmation is still on the way. Its answer decides.
                reservation.SwappedBeforeConfirmAt ??= at;
            }
            else if (reservation is not null)
            {
                End(reservation, ReservationStatus.Fulfilled, null, now);
                reservation.EndedAt = at;
                fulfilled.Add(reservation);
            }
        }

        return fulfilled;
    }

    /// <summary>Cancels a held reservation; returns true when it was held (and is cancelled now).</summary>
    public bool Cancel(ReservationRecord reservation, DateTimeOffset now)
    {
        if (!reservation.IsActive)
        {
            return false;
        }

        End(reservation, ReservationStatus.Cancelled, "cancelled by the rider", now);
        return true;
    }

    /// <summary>
    /// Ends every held reservation past its expiry, and every ready-by one whose battery was not charged by then (failed);
    /// returns those it ended.
    /// </summary>
    public List<ReservationRecord> Expire(DateTimeOffset now)
    {
        List<ReservationRecord> expired = [];
        foreach (var r in reservations)
        {
            if (r.IsWaiting && r.ReadyBy is { } readyBy && now >= readyBy)
            {
                End(r, ReservationStatus.Failed, $"battery {r.BatteryId} was not charged by readyBy, as its forecast expected", now);
                expired.Add(r);
            }
            else if (r.IsActive && now >= r.ExpiresAt)
            {
                End(r, ReservationStatus.Expired, "no swap of the held battery before expiresAt", now);
                expired.Add(r);
            }
        }

        return expired;
    }

    /// <summary>A waiting reservation's battery left its slot before it was charged (a station's own decision, a fault).</summary>
    public static void Lost(ReservationRecord reservation, DateTimeOffset now) =>
        End(reservation, ReservationStatus.Failed, $"battery {reservation.BatteryId} left slot {reservation.Slot} before it was charged", now);

    private static void End(ReservationRecord reservation, ReservationStatus status, string? reason, DateTimeOffset now)
    {
        reservation.Status = status;
        reservation.Reason = reason;
        reservation.EndedAt = now;
    }

    private void Trim()
    {
        for (var i = 0; reservations.Count > maxRetained && i < reservations.Count;)
        {
            if (!reservations[i].IsActive)
            {
                reservations.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }
    }
}
