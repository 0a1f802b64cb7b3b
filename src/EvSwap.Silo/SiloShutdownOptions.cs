using System.ComponentModel.DataAnnotations;

namespace EvSwap.Silo;

public sealed class SiloShutdownOptions : IValidatableObject
{
    public const string Section = "Silo";

    /// <summary>Fargate's limit for a container's stop timeout.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(120);

    /// <summary>Below this the bridge drain and the grain flush would each get only a few seconds.</summary>
    public static readonly TimeSpan Min = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Time from SIGTERM until the process must have exited: the container's stop timeout on ECS (<c>StopTimeout</c> in
    /// infra/compute.yaml, 120 s, Fargate's maximum), after which ECS sends SIGKILL. <see cref="ShutdownBudget"/> says
    /// how the silo spends it.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = Max;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ShutdownTimeout < Min || ShutdownTimeout > Max)
        {
            yield return new($"Silo:ShutdownTimeout must be from {Min:c} to {Max:c} (is {ShutdownTimeout:c}): set it to the ECS task's stopTimeout, which Fargate caps at 120 s.");
        }
    }
}
