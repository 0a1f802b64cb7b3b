using System.Text.Json;
using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>
/// Answers series and event-timeline queries from the archive plus the messages a station grain still buffers. Batches
/// that have a summary are read from it when the step is a multiple of the summary's grain; any other batch (no summary
/// yet, one written before summaries existed, a step finer than a minute) is read raw. Either way each (boot, seq) counts
/// once: the caller reads the buffer before the archive, so a batch flushed in between is in both.
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
        var range = await LoadAsync(stationId, DateTimeOffset.FromUnixTimeSeconds(start), DateTimeOffset.FromUnixTimeSeconds(end), stepSeconds, buffered, cancellationToken);
        foreach (var summary in range.Summaries)
        {
            foreach (var e in summary.Entries)
            {
                if (e.Start >= start && e.Start < end)
                {
                    accumulator.Merge(e.Metric, e.Slot, e.Start, summary.StatsOf(e));
                }
            }
        }

        foreach (var m in range.Messages)
        {
            accumulator.Add(m);
        }

        var lines = accumulator.Buckets
            .GroupBy(b => b.Key.Slot)
            .OrderBy(g => g.Key)
            .Select(g => new SeriesLine(
                g.Key == SeriesMetrics.StationSlot ? null : g.Key,
                [.. g.OrderBy(b => b.Key.Start).Select(b => new SeriesBucket(
                    DateTimeOffset.FromUnixTimeSeconds(b.Key.Start), b.Value.Count, b.Value.Min, b.Value.Avg, b.Value.Max, b.Value.Last))]))
            .ToList();
        return new SeriesResult(stationId, metric, range.From, range.To, stepSeconds, lines, range.Sources);
    }

    /// <summary>Swaps and faults whose time lies in [from, to), oldest first.</summary>
    public async Task<IReadOnlyList<SeriesEvent>> ReadEventsAsync(
        string stationId, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<ArchivedMessage> buffered, CancellationToken cancellationToken = default)
    {
        var range = await LoadAsync(stationId, from, to, SeriesSummary.DefaultGrainSeconds, buffered, cancellationToken);
        var events = range.Summaries.SelectMany(s => s.Events ?? [])
            .Where(e => range.Contains(e.At))
            .Concat(range.Messages.SelectMany(SeriesEvent.Of).Where(e => range.Contains(e.At)));
        return [.. events.OrderBy(e => e.At).ThenBy(e => e.Boot).ThenBy(e => e.Seq)];
    }

    private async Task<LoadedRange> LoadAsync(
        string stationId, DateTimeOffset from, DateTimeOffset to, long stepSeconds, IReadOnlyList<ArchivedMessage> buffered, CancellationToken cancellationToken)
    {
        var range = new LoadedRange(from, to);
        var firstDate = DateOnly.FromDateTime(from.UtcDateTime);
        var lastDate = DateOnly.FromDateTime(to.AddTicks(-1).UtcDateTime);
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

        var rawKeys = new HashSet<(long, long)>();
        foreach (var (summary, raw) in parts)
        {
            if (summary is not null)
            {
                range.Summaries.Add(summary);
                continue;
            }

            range.RawBatches++;
            foreach (var m in raw!)
            {
                rawKeys.Add((m.Boot, m.Seq));
                if (range.Contains(m.Ts))
                {
                    range.Messages.Add(m);
                }
            }
        }

        foreach (var b in buffered)
        {
            if (range.Contains(b.Ts) && !rawKeys.Contains((b.Boot, b.Seq)) && !range.Summaries.Any(s => s.Contains(b.Boot, b.Seq)))
            {
                range.Buffered++;
                range.Messages.Add(JsonSerializer.Deserialize(b.Payload, TelemetryJsonContext.Default.TelemetryMessage)!);
            }
        }

        return range;
    }

    /// <summary>What a range's batches and buffer gave: summaries to merge and messages (raw or buffered) to add.</summary>
    private sealed class LoadedRange(DateTimeOffset from, DateTimeOffset to)
    {
        public DateTimeOffset From => from;
        public DateTimeOffset To => to;
        public List<SeriesSummary> Summaries { get; } = [];
        public List<TelemetryMessage> Messages { get; } = [];
        public int RawBatches { get; set; }
        public int Buffered { get; set; }
        public SeriesSources Sources => new(Summaries.Count, RawBatches, Buffered);

        public bool Contains(DateTimeOffset ts) => ts >= from && ts < to;
    }
}
