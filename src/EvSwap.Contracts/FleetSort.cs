namespace EvSwap.Contracts;

/// <summary>The order of <c>GET /stations</c>.</summary>
public enum FleetSort
{
    /// <summary>By station id (ordinal), the default.</summary>
    Id,

    /// <summary>Most charged batteries expected at <see cref="FleetQuery.AvailableInMinutes"/> first, then by station id.</summary>
    Available,
}
