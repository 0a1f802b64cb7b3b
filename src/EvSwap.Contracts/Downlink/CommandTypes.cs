namespace EvSwap.Contracts;

/// <summary>The command types of <c>evswap.command.v1</c>.</summary>
public static class CommandTypes
{
    /// <summary>Take a slot out of service: the station stops charging it and offers no battery from it.</summary>
    public const string SlotMaintenance = "slot-maintenance";

    /// <summary>Put a slot in maintenance back into service.</summary>
    public const string SlotInService = "slot-in-service";

    /// <summary>Release a slot's latch (a stuck battery or door).</summary>
    public const string ReleaseSlot = "release-slot";

    /// <summary>Restart the cabinet's controller; the station reports again with a higher boot.</summary>
    public const string RestartCabinet = "restart-cabinet";

    /// <summary>Hold a slot's battery for a reservation until <c>holdUntil</c> (sent by the platform, not by operators).</summary>
    public const string ReserveSlot = "reserve-slot";

    /// <summary>Let go of a reservation's hold before <c>holdUntil</c> (sent by the platform when a rider cancels).</summary>
    public const string ReleaseReservation = "release-reservation";

    /// <summary>What operators may send through <c>POST /stations/{id}/commands</c>.</summary>
    public static readonly IReadOnlyList<string> Operator = [SlotMaintenance, SlotInService, ReleaseSlot, RestartCabinet];

    public static bool NeedsSlot(string type) => type is SlotMaintenance or SlotInService or ReleaseSlot or ReserveSlot;
}
