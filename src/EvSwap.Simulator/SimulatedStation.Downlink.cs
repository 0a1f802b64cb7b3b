using EvSwap.Contracts;

namespace EvSwap.Simulator;

/// <summary>The station's side of the downlink: carries out commands and holds batteries for reservations.</summary>
public sealed partial class SimulatedStation
{
    // A station acts on a command id once; a redelivered command gets the first answer again.
    private readonly Dictionary<string, (string Status, string? Reason)> _answered = new(StringComparer.Ordinal);

    /// <summary>Carries out a command (once per id) and returns the answer to publish.</summary>
    public (string Status, string? Reason) Handle(StationCommand command, DateTimeOffset now)
    {
        if (_answered.TryGetValue(command.CommandId, out var earlier))
        {
            return earlier;
        }

        var answer = now > command.ExpiresAt ? (CommandResultStatuses.Failed, "expired") : Execute(command, now);
        if (_answered.Count > 10_000)
        {
            _answered.Clear();
        }

        _answered[command.CommandId] = answer;
        return answer;
    }

    /// <summary>A rider with a reservation takes the held battery; false when the station no longer holds it for them.</summary>
    public bool SwapReserved(string reservationId, DateTimeOffset now)
    {
        var index = Array.FindIndex(_slots, s => s.State == SlotStates.Reserved && s.ReservationId == reservationId && now < s.HoldUntil);
        if (index < 0)
        {
            return false;
        }

        _slots[index].State = SlotStates.Ready;
        _slots[index].ReservationId = null;
        SwapOut(index, now, PendingEvents);
        return true;
    }

    /// <summary>Events a rider's reserved swap made between steps; the next snapshot carries them.</summary>
    internal List<StationEvent> PendingEvents { get; } = [];

    private (string, string?) Execute(StationCommand command, DateTimeOffset now)
    {
        if (command.Type == CommandTypes.RestartCabinet)
        {
            Boot++;
            Seq = -1;
            return (CommandResultStatuses.Succeeded, null);
        }

        if (command.Slot is not { } number || number < 1 || number > _slots.Length)
        {
            return (CommandResultStatuses.Failed, $"no slot {command.Slot}");
        }

        var slot = _slots[number - 1];
        switch (command.Type)
        {
            case CommandTypes.SlotMaintenance when slot.State == SlotStates.Reserved:
                return (CommandResultStatuses.Failed, "the slot holds a reserved battery");
            case CommandTypes.SlotMaintenance:
                slot.State = SlotStates.Maintenance;
                return (CommandResultStatuses.Succeeded, null);
            case CommandTypes.SlotInService when slot.State == SlotStates.Maintenance:
                slot.State = slot.Battery is null ? SlotStates.Empty : SlotStates.Charging;
                return (CommandResultStatuses.Succeeded, null);
            case CommandTypes.SlotInService:
                return (CommandResultStatuses.Failed, $"the slot is {slot.State}, not in maintenance");
            case CommandTypes.ReleaseSlot:
                return (CommandResultStatuses.Succeeded, null);
            case CommandTypes.ReserveSlot when slot.State == SlotStates.Ready && slot.Battery?.Id == command.BatteryId:
                slot.State = SlotStates.Reserved;
                slot.ReservationId = command.ReservationId;
                slot.HoldUntil = command.HoldUntil ?? now;
                return (CommandResultStatuses.Succeeded, null);
            case CommandTypes.ReserveSlot:
                return (CommandResultStatuses.Failed, $"battery {command.BatteryId} is not ready in slot {number}");
            case CommandTypes.ReleaseReservation when slot.State == SlotStates.Reserved && slot.ReservationId == command.ReservationId:
                slot.State = SlotStates.Ready;
                slot.ReservationId = null;
                return (CommandResultStatuses.Succeeded, null);
            case CommandTypes.ReleaseReservation:
                return (CommandResultStatuses.Succeeded, "nothing held for that reservation");
            default:
                return (CommandResultStatuses.Failed, $"unknown command type {command.Type}");
        }
    }

    /// <summary>A hold ends by itself at holdUntil, whether or not the platform said so.</summary>
    private void ReleaseExpiredHolds(DateTimeOffset now)
    {
        foreach (var slot in _slots)
        {
            if (slot.State == SlotStates.Reserved && now >= slot.HoldUntil)
            {
                slot.State = SlotStates.Ready;
                slot.ReservationId = null;
            }
        }
    }
}
