using System.ComponentModel.DataAnnotations;
using EvSwap.Bridge;

namespace EvSwap.Silo;

/// <summary>
/// How the silo spends <c>Silo:ShutdownTimeout</c> (the ECS stop timeout) after SIGTERM. The host stops its services
/// one after another: first the bridge drains (it takes nothing new, finishes and acknowledges what it holds; with the
/// external broker, what it cannot finish stays with the broker), then dead letters get their last write, then Orleans
/// deactivates every station grain (each writes its archive batch and state) and the silo leaves the cluster.
/// </summary>
/// <remarks>
/// Of the stop timeout, <see cref="ExitReserve"/> is kept back for the process to exit after the host has stopped, so
/// SIGKILL never lands mid-write; the rest is the host's <c>ShutdownTimeout</c>. The bridge drain gets
/// <c>Mqtt:DrainTimeout</c> when set, else a quarter of the stop timeout: in normal operation it only finishes the
/// messages in flight (at most <c>Mqtt:MaxInFlightPerConnection</c> per connection), while the grain flush writes one
/// object per active station, which with thousands of stations and a slow store is where the time goes. The grain
/// flush gets what remains after the drain, the last dead-letter write and <see cref="LeaveCluster"/>; it becomes
/// Orleans' per-grain <c>DeactivationTimeout</c>. At 120 s: drain 30 s, dead letters 5 s, grain flush 75 s, leaving the
/// cluster 5 s, exit 5 s.
/// </remarks>
public sealed class ShutdownBudget : IValidatableObject
{
    /// <summary>Kept back from the stop timeout for what happens after the host stopped: disposal, the last log lines.</summary>
    public static readonly TimeSpan ExitReserve = TimeSpan.FromSeconds(5);

    /// <summary>For Orleans to mark the silo dead in the membership table after its grains deactivated.</summary>
    public static readonly TimeSpan LeaveCluster = TimeSpan.FromSeconds(5);

    /// <summary>The least the grain flush may get; a drain that leaves less is a configuration error.</summary>
    public static readonly TimeSpan MinGrainFlush = TimeSpan.FromSeconds(5);

    public const double DefaultDrainShare = 0.25;

    /// <param name="stopTimeout"><c>Silo:ShutdownTimeout</c>.</param>
    /// <param name="configuredDrain"><c>Mqtt:DrainTimeout</c> when configured, else null for the default share.</param>
    public ShutdownBudget(TimeSpan stopTimeout, TimeSpan? configuredDrain)
    {
        StopTimeout = stopTimeout;
        DrainConfigured = configuredDrain is not null;
        Host = stopTimeout - ExitReserve;
        BridgeDrain = configuredDrain ?? TimeSpan.FromSeconds(Math.Floor(stopTimeout.TotalSeconds * DefaultDrainShare));
        GrainFlush = Host - BridgeDrain - DeadLetters - LeaveCluster;
    }

    public TimeSpan StopTimeout { get; }

    /// <summary>The host's <c>ShutdownTimeout</c>: every hosted service stops within it.</summary>
    public TimeSpan Host { get; }

    /// <summary>The bridge's <c>Mqtt:DrainTimeout</c>.</summary>
    public TimeSpan BridgeDrain { get; }

    public bool DrainConfigured { get; }

    /// <summary>The dead-letter queue's last write.</summary>
    public TimeSpan DeadLetters => DeadLetterQueue.FinalFlushTimeout;

    /// <summary>Orleans' <c>GrainCollectionOptions.DeactivationTimeout</c>: how long each grain may take to flush.</summary>
    public TimeSpan GrainFlush { get; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StopTimeout < SiloShutdownOptions.Min || StopTimeout > SiloShutdownOptions.Max)
        {
            // Silo:ShutdownTimeout's own check says what to fix.
            yield break;
        }

        if (BridgeDrain <= TimeSpan.Zero)
        {
            yield return new($"Mqtt:DrainTimeout must be positive (is {BridgeDrain:c}); unset it for a quarter of Silo:ShutdownTimeout.");
        }
        else if (GrainFlush < MinGrainFlush)
        {
            var most = Host - DeadLetters - LeaveCluster - MinGrainFlush;
            yield return new($"Mqtt:DrainTimeout ({BridgeDrain:c}) leaves station grains only {(GrainFlush > TimeSpan.Zero ? GrainFlush : TimeSpan.Zero):c} to flush within Silo:ShutdownTimeout ({StopTimeout:c}); set it to at most {most:c}, unset it, or raise Silo:ShutdownTimeout.");
        }
    }

    public override string ToString() =>
        $"{StopTimeout.TotalSeconds:F0} s: bridge drain {BridgeDrain.TotalSeconds:F0} s{(DrainConfigured ? " (Mqtt:DrainTimeout)" : "")}, dead letters {DeadLetters.TotalSeconds:F0} s, " +
        $"grain flush {GrainFlush.TotalSeconds:F0} s, leaving the cluster {LeaveCluster.TotalSeconds:F0} s, exit {ExitReserve.TotalSeconds:F0} s";
}
