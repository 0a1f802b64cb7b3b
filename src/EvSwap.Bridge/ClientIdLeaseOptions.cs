namespace EvSwap.Bridge;

/// <summary>
/// <c>Mqtt:ClientIdLeases</c>: how the external bridge leases its client ids <c>{Mqtt:ClientIdPrefix}-{n}</c>.
/// A silo uses a client id only while its lease is valid by its own clock with <see cref="MaxClockSkew"/> to spare,
/// and another silo takes it only after the lease expired by the taker's clock; so two silos never connect with one
/// client id (the broker would disconnect the older connection) unless their clocks differ by more than that.
/// </summary>
public sealed class ClientIdLeaseOptions
{
    /// <summary>Client ids available to the whole cluster (<c>{prefix}-0</c> .. <c>{prefix}-{MaxSlots-1}</c>).</summary>
    public int MaxSlots { get; set; } = 256;

    /// <summary>
    /// How long a lease lasts without renewal. Also about how long a dead task's sessions wait for a replacement:
    /// shorter hands them over sooner, at the price of more renewals and less tolerance for a store outage.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a silo renews its leases and looks for expired ones to take over.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest clock difference between two silos that the leases tolerate.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a silo keeps using a slot after the start of its last successful renewal.</summary>
    public TimeSpan UsableFor => LeaseDuration - MaxClockSkew;

    internal IEnumerable<string> Validate(int connections)
    {
        const string Section = "Mqtt:ClientIdLeases";
        if (MaxSlots is < 1 or > 100_000)
        {
            yield return $"{Section}:MaxSlots must be 1-100000 (is {MaxSlots}).";
        }
        else if (MaxSlots < connections)
        {
            yield return $"{Section}:MaxSlots ({MaxSlots}) must be at least Mqtt:Connections ({connections}), and should cover every task's connections during a deployment.";
        }

        if (LeaseDuration <= TimeSpan.Zero || RenewInterval <= TimeSpan.Zero || MaxClockSkew < TimeSpan.Zero)
        {
            yield return $"{Section}:LeaseDuration and RenewInterval must be positive and MaxClockSkew zero or positive.";
        }
        else if (RenewInterval * 2 > UsableFor)
        {
            yield return $"{Section}:RenewInterval ({RenewInterval}) must be at most half of LeaseDuration - MaxClockSkew ({UsableFor}), so a silo " +
                "can miss a renewal and still keep its client ids; lower RenewInterval or MaxClockSkew, or raise LeaseDuration.";
        }
    }
}
