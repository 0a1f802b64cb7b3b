using System.Text.Json;
using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>
/// Answers series queries from the archive plus the messages a station grain still buffers. Batches that have a summary
/// are read from it when the step is a multiple of the summary's grain; any other batch (no summary yet, one written
/// before summaries existed, a step finer than a minute) is read raw. Either way each (boot, seq) counts once.
/// </summary>
public sealed class SeriesReader(TelemetryArchive archive)
{
    private const int ParallelReads = 8;

    public async Task<SeriesResult> ReadAsync(
        string stationId, string metric, int? slot, DateTimeOffset from, DateTimeOffset to, long stepSeconds,
        IReadOnlyList<ArchivedMessage> buffered, CancellationToken cancellationToken = default)
    {
        var accumulator = new SeriesAccumulator(stepSeconds, (m, s) => m == metric && (slot is null || s == slot));
        var start = accumulator.BucketStart(from.ToUnixTimeSeconds());
        var end = accumulator.BucketStart(to.ToUnixTimeSeconds()) + stepSeconds;
        var startTime = DateTimeOffset.FromUnixTimeSeconds(start);
        var endTime = DateTimeOffset.FromUnixTimeSeconds(end);
        bool InRange(DateTimeOffset ts) => ts >= startTime && ts < endTime;

        var firstDate = DateOnly.FromDateTime(startTime.UtcDateTime);
        var lastDate = DateOnly.FromDateTime(endTime.AddTicks(-1).UtcDateTime);
        var batches = await archive.ListBatchesAsync(stationId, firstDate, lastDate, cancellationToken);
        var summaryKeys = new HashSet<string>(StringComparer.Ordinal);
        if (stepSeconds % SeriesSummary.DefaultGrainSeconds == 0)
        {
            for (var date = firstDate; date <= lastDate; date = date.AddDays(1))
            {
                await foreach (var key in archive.Store.ListAsync(SeriesKeys.StationDatePrefix(stationId, date), cancellationToken))
                {
                    summaryKeys.Add(key);
                }
            }
        }

        var parts = new (SeriesSummary? Summary, List<TelemetryMessage>? Raw)[batches.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, batches.Count), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var summaryKey = SeriesKeys.For(batches[i].Key);
            if (summaryKeys.Contains(summaryKey) && await archive.Store.GetAsync(summaryKey, ct) is { } content
                && SeriesCodec.Decode(content) is { } summary && stepSeconds % summary.GrainSeconds == 0)
            {
                parts[i] = (summary, null);
                return;
            }

            var messages = await archive.ReadBatchAsync(batches[i], ct);
            parts[i] = (null, [.. messages.Select(m => JsonSerializer.Deserialize(m.Payload, TelemetryJsonContext.Default.TelemetryMessage)!)]);
        });

        var summaries = new List<SeriesSummary>();
        var rawKeys = new HashSet<(long, long)>();
        int summaryCount = 0, rawCount = 0, bufferedCount = 0;
        foreach (var (summary, raw) in parts)
        {
            if (summary is not null)
            {
                summaryCount++;
                summaries.Add(summary);
                foreach (var e in summary.Entries)
                {
                    if (e.Start >= start && e.Start < end)
                    {
                        accumulator.Merge(e.Metric, e.Slot, e.Start, summary.StatsOf(e));
                    }
                }
            }
            else
            {
                rawCount++;
                foreach (var m in raw!)
                {
                    rawKeys.Add((m.Boot, m.Seq));
                    if (InRange(m.Ts))
                    {
                        accumulator.Add(m);
                    }
                }
            }
        }

        // The buffer is read before the archive by the caller: a batch flushed in between is in both, and counts once.
        foreach (var b in buffered)
        {
            if (!InRange(b.Ts) || rawKeys.Contains((b.Boot, b.Seq)) || summaries.Any(s => s.Contains(b.Boot, b.Seq)))
            {
                continue;
            }

            bufferedCount++;
            accumulator.Add(JsonSerializer.Deserialize(b.Payload, TelemetryJsonContext.Default.TelemetryMessage)!);
        }

        var lines = accumulator.Buckets
            .GroupBy(b => b.Key.Slot)
            .OrderBy(g => g.Key)
            .Select(g => new SeriesLine(
                g.Key == SeriesMetrics.StationSlot ? null : g.Key,
                [.. g.OrderBy(b => b.Key.Start).Select(b => new SeriesBucket(
                    DateTimeOffset.FromUnixTimeSeconds(b.Key.Start), b.Value.Count, b.Value.Min, b.Value.Avg, b.Value.Max, b.Value.Last))]))
            .ToList();
        return new SeriesResult(stationId, metric, startTime, endTime, stepSeconds, lines, new SeriesSources(summaryCount, rawCount, bufferedCount));
    }
}
