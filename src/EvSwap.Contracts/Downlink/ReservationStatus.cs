namespace EvSwap.Contracts;

/// <summary>
/// A reservation's lifecycle: Pending (held by the platform, the station not yet confirmed), Confirmed, then one
/// final state: Fulfilled by a swap of the held battery, Expired, Cancelled by the rider, or Failed (the station
/// refused or never confirmed).
/// </summary>
public enum ReservationStatus
{
    Pending,
    Confirmed,
    Fulfilled,
    Expired,
    Cancelled,
    Failed,
}
