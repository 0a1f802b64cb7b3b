using System.ComponentModel.DataAnnotations;

namespace EvSwap.IngestLog;

public enum IngestLogProvider
{
    /// <summary>Segment files under <see cref="IngestLogOptions.Path"/>, fsynced with group commit.</summary>
    FileSystem,

    /// <summary>One S3 object per commit window under <c>ingest-log/{silo}/</c> in the <c>S3:Bucket</c>; what a cluster on AWS uses.</summary>
    S3,

    /// <summary>No log: a message is acknowledged once applied, and a hard crash loses the unarchived buffers.</summary>
    None,
}

public sealed class IngestLogOptions : IValidatableObject
{
    public const string Section = "IngestLog";

    public IngestLogProvider Provider { get; set; } = IngestLogProvider.FileSystem;

    /// <summary>Root of the file-system log; each silo writes its own folder below it.</summary>
    public string Path { get; set; } = "data/log";

    /// <summary>A segment is closed and a new one begun past this size.</summary>
    public long SegmentBytes { get; set; } = 64L << 20;

    /// <summary>
    /// A segment is also closed after this long, so retention frees the disk in steps of this size instead of waiting
    /// for a large segment to fill.
    /// </summary>
    public TimeSpan SegmentAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The S3 log's group commit: records received within this window go into one object, and their acknowledgements
    /// wait for its PUT. Longer means fewer PUTs (cheaper) and later acknowledgements.
    /// </summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>An S3 log object is written before the window ends once it holds this many bytes.</summary>
    public int MaxObjectBytes { get; set; } = 8 << 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == IngestLogProvider.FileSystem && string.IsNullOrWhiteSpace(Path))
        {
            yield return new("IngestLog:Path must name a directory for the log, for example data/log.");
        }

        if (SegmentBytes < 64 << 10)
        {
            yield return new($"IngestLog:SegmentBytes must be at least 65536 (is {SegmentBytes}).");
        }

        if (CommitInterval <= TimeSpan.Zero || CommitInterval > TimeSpan.FromSeconds(10))
        {
            yield return new($"IngestLog:CommitInterval must be between 00:00:00.001 and 00:00:10 (is {CommitInterval}): acknowledgements wait for it.");
        }

        if (MaxObjectBytes < 64 << 10)
        {
            yield return new($"IngestLog:MaxObjectBytes must be at least 65536 (is {MaxObjectBytes}).");
        }

        if (SegmentAge <= TimeSpan.Zero)
        {
            yield return new($"IngestLog:SegmentAge must be positive, for example 00:01:00 (is {SegmentAge}).");
        }
    }
}
