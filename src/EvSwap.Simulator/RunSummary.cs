namespace EvSwap.Simulator;

/// <param name="ExpectedAccepted">Distinct (boot, seq) published: what the platform archives and counts once each.</param>
/// <param name="ExpectedDuplicates">Injected redelivered copies: what the platform counts as duplicates.</param>
/// <param name="LateMessages">Messages published after a newer one of their station (injected reordering).</param>
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
    long AverageBytes,
    long Faults,
    long LateMessages);
