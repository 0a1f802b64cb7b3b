namespace EvSwap.IngestLog;

/// <summary>This silo's log's name: its folder (file system) or key prefix (S3) beside the other silos' logs.</summary>
public sealed record IngestLogName(string Own);
