using System.ComponentModel.DataAnnotations;

namespace EvSwap.Archive;

public sealed class ArchiveOptions : IValidatableObject
{
    public const string Section = "Archive";

    /// <summary><c>FileSystem</c> or <c>S3</c>.</summary>
    public string Provider { get; set; } = "FileSystem";

    /// <summary>Root directory of the file-system archive.</summary>
    public string Path { get; set; } = "data/archive";

    /// <summary>
    /// Flush thresholds. The defaults keep S3 PUTs at or under 0.005 per message for a station reporting every
    /// 5 s (a batch of ~240 messages every 20 minutes), while bounding what a crash can lose.
    /// </summary>
    public int MaxBatchMessages { get; set; } = 500;

    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    public TimeSpan MaxBatchAge { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Write a series summary (one-minute min/avg/max/last per metric and slot) beside each telemetry batch, so a chart of
    /// a station-day reads 72 small objects instead of 17,280 raw messages. Costs one more PUT per batch (not per message).
    /// </summary>
    public bool SeriesSummaries { get; set; } = true;

    /// <summary>Dead letters are few; they are written per silo at least this often.</summary>
    public TimeSpan RejectedFlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Upper bound of raw bytes a station keeps while the archive is unreachable. Past it the grain refuses
    /// new messages (the bridge does not acknowledge them, so the broker redelivers) instead of dropping any.
    /// </summary>
    public int MaxPendingBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Upper bound of raw telemetry bytes all station grains of one silo hold unarchived. Past it the bridge refuses
    /// messages without acknowledging them, so the broker (or, with the embedded broker, the publisher) keeps them, and
    /// readiness reports Degraded. Unset: derived from the memory the process may use (<see cref="UnarchivedBudget"/>).
    /// </summary>
    public long? MaxUnarchivedBytesPerSilo { get; set; }

    /// <summary>
    /// Upper bound of rejected messages one silo holds for the dead-letter archive (payload bytes and reasons). Past it
    /// invalid messages are refused without acknowledging, as above. Unset: 5 % of the memory the process may use.
    /// </summary>
    public long? MaxRejectedBytesPerSilo { get; set; }

    public static readonly string[] Providers = ["FileSystem", "S3"];

    private const long MinRejectedBytesPerSilo = 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Providers.Contains(Provider, StringComparer.OrdinalIgnoreCase))
        {
            yield return new($"Archive:Provider '{Provider}' is unknown; use one of: {string.Join(", ", Providers)}.");
        }

        if (string.Equals(Provider, "FileSystem", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(Path))
        {
            yield return new("Archive:Path must name a directory when Archive:Provider is FileSystem.");
        }

        if (MaxBatchMessages < 1)
        {
            yield return new($"Archive:MaxBatchMessages must be at least 1 (is {MaxBatchMessages}).");
        }

        if (MaxBatchBytes < 1024)
        {
            yield return new($"Archive:MaxBatchBytes must be at least 1024 (is {MaxBatchBytes}).");
        }

        if (MaxBatchAge <= TimeSpan.Zero)
        {
            yield return new($"Archive:MaxBatchAge must be positive, for example 00:20:00 (is {MaxBatchAge}).");
        }

        if (RejectedFlushInterval <= TimeSpan.Zero)
        {
            yield return new($"Archive:RejectedFlushInterval must be positive (is {RejectedFlushInterval}).");
        }

        if (MaxPendingBytes < MaxBatchBytes)
        {
            yield return new($"Archive:MaxPendingBytes ({MaxPendingBytes}) must be at least Archive:MaxBatchBytes ({MaxBatchBytes}).");
        }

        if (MaxUnarchivedBytesPerSilo < MaxBatchBytes)
        {
            yield return new($"Archive:MaxUnarchivedBytesPerSilo ({MaxUnarchivedBytesPerSilo}) must be at least Archive:MaxBatchBytes ({MaxBatchBytes}), or a batch could not fill; unset it to derive it from the container's memory.");
        }

        if (MaxRejectedBytesPerSilo < MinRejectedBytesPerSilo)
        {
            yield return new($"Archive:MaxRejectedBytesPerSilo ({MaxRejectedBytesPerSilo}) must be at least {MinRejectedBytesPerSilo}; unset it to derive it from the container's memory.");
        }
    }
}
