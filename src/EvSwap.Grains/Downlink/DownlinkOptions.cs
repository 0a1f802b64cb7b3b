using System.ComponentModel.DataAnnotations;

namespace EvSwap.Grains;

/// <summary>Commands and reservations (configuration section <c>Downlink</c>).</summary>
public sealed class DownlinkOptions : IValidatableObject
{
    public const string Section = "Downlink";

    /// <summary>
    /// How long a command may take from creation to the station's final result. It is the command's <c>expiresAt</c>:
    /// a station offline longer than this gets the command from its persistent session and must answer it failed
    /// (expired) instead of carrying it out; the platform marks it timed out.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a station has to confirm a reservation's hold before the reservation fails and the battery is free again.</summary>
    public TimeSpan ReservationConfirmTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan DefaultReservationTtl { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan MaxReservationTtl { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How often a station with open commands or held reservations republishes what the broker did not take and checks expiry.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Finished commands kept per station (in its persisted state) for <c>GET /stations/{id}/commands</c>.</summary>
    [Range(1, 10_000)] public int MaxRetainedCommands { get; set; } = 100;

    /// <summary>Finished reservations kept per station.</summary>
    [Range(1, 10_000)] public int MaxRetainedReservations { get; set; } = 100;

    /// <summary>The recent window the availability forecast measures a station's swap rate over.</summary>
    public TimeSpan SwapRateWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How far ahead a reservation's <c>readyBy</c> may be: the forecast carries each battery's measured charge rate
    /// forward on an assumed curve, which is guesswork beyond about an hour.
    /// </summary>
    public TimeSpan MaxReadyByAhead { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(CommandTimeout), CommandTimeout), (nameof(ReservationConfirmTimeout), ReservationConfirmTimeout),
                     (nameof(DefaultReservationTtl), DefaultReservationTtl), (nameof(MaxReservationTtl), MaxReservationTtl),
                     (nameof(TickInterval), TickInterval), (nameof(SwapRateWindow), SwapRateWindow), (nameof(MaxReadyByAhead), MaxReadyByAhead),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"{Section}:{name} must be positive (got {value}); set it to a duration such as 00:05:00.", [name]);
            }
        }

        if (DefaultReservationTtl > MaxReservationTtl)
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(DefaultReservationTtl)} ({DefaultReservationTtl}) must not exceed {Section}:{nameof(MaxReservationTtl)} ({MaxReservationTtl}).",
                [nameof(DefaultReservationTtl)]);
        }

        if (TickInterval > ReservationConfirmTimeout)
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(TickInterval)} ({TickInterval}) must not exceed {Section}:{nameof(ReservationConfirmTimeout)} ({ReservationConfirmTimeout}), or timeouts are noticed late.",
                [nameof(TickInterval)]);
        }
    }
}
