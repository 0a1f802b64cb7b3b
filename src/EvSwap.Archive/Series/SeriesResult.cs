namespace EvSwap.Archive;

/// <summary>One bucket of a series: messages whose station time lies in [Start, Start + step).</summary>
public sealed record SeriesBucket(DateTimeOffset Start, long Count, double Min, double Avg, double Max, double Last);

/// <summary>One series: a slot's readings, or the station's (Slot null).</summary>
public sealed record SeriesLine(int? Slot, IReadOnlyList<SeriesBucket> Buckets);

/// <summary>Where the buckets came from: per-batch summaries, raw batches read whole, and messages still in the grain.</summary>
public sealed record SeriesSources(int Summaries, int RawBatches, int Buffered);

/// <summary>
/// The answer to a series query. <see cref="From"/> and <see cref="To"/> are the requested range widened to whole
/// buckets (aligned to the Unix epoch), so every bucket covers its full step.
/// </summary>
public sealed record SeriesResult(string StationId, string Metric, DateTimeOffset From, DateTimeOffset To, long StepSeconds, IReadOnlyList<SeriesLine> Series, SeriesSources Sources);
