using System.Text.Json.Serialization;

namespace EvSwap.Simulator;

/// <summary>What one station published in a run, for the summary and for --verify.</summary>
public sealed class StationTally
{
    public long Boot { get; set; }
    public long LastSeq { get; set; } = -1;

    /// <summary>Messages the platform should accept: published once or more, and not sent after a newer one.</summary>
    public long Accepted { get; set; }

    public long Swaps { get; set; }

    /// <summary>Copies the platform should count as duplicates (redeliveries and late, reordered messages).</summary>
    public long Duplicates { get; set; }
}

public sealed record RunSummary(
    int Stations,
    long Published,
    long Acknowledged,
    long Errors,
    double Seconds,
    double MessagesPerSecond,
    long ExpectedAccepted,
    long ExpectedDuplicates,
    long Swaps,
    long AverageBytes);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class SimulatorJsonContext : JsonSerializerContext;
