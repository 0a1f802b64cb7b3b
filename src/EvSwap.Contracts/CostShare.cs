namespace EvSwap.Contracts;

/// <summary>
/// One silo's request counters since it started: messages received, station state writes (DynamoDB writes on AWS) and
/// telemetry batches archived (S3 PUTs), over <see cref="Elapsed"/>; <see cref="ReportedAt"/> says how fresh it is.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CostShare(
    [property: Id(0)] string Silo,
    [property: Id(1)] long Messages,
    [property: Id(2)] long StateWrites,
    [property: Id(3)] long ArchiveWrites,
    [property: Id(4)] TimeSpan Elapsed,
    [property: Id(5)] DateTimeOffset ReportedAt);
