using System.Text.Json.Serialization;
using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>
/// The series of one archive batch at <see cref="GrainSeconds"/> resolution, written beside the batch when it is sealed
/// (<see cref="SeriesKeys"/>). A chart then reads one small object per batch instead of every raw message in it.
/// </summary>
/// <param name="Seqs">The batch's sequence numbers as [from, to] ranges: which buffered messages the batch already holds.</param>
public sealed record SeriesSummary(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("grain")] long GrainSeconds,
    [property: JsonPropertyName("boot")] long Boot,
    [property: JsonPropertyName("seqs")] IReadOnlyList<long[]> Seqs,
    [property: JsonPropertyName("entries")] IReadOnlyList<SeriesSummaryEntry> Entries,
    [property: JsonPropertyName("events")] IReadOnlyList<SeriesEvent>? Events = null)
{
    public const int CurrentVersion = 1;

    /// <summary>One minute: fine enough for any chart of an hour or more, coarse enough that a day is 1,440 buckets.</summary>
    public const long DefaultGrainSeconds = 60;

    public bool Contains(long boot, long seq) => boot == Boot && Seqs.Any(r => seq >= r[0] && seq <= r[1]);

    /// <summary>Reads the batch's own archived bytes, so the summary says exactly what the archive holds.</summary>
    public static SeriesSummary FromBatch(TelemetryBatch batch, long grainSeconds = DefaultGrainSeconds)
    {
        var accumulator = new SeriesAccumulator(grainSeconds);
        var events = new List<SeriesEvent>();
        foreach (var stored in ArchiveCodec.DecodeBatch(batch.Content))
        {
            var message = System.Text.Json.JsonSerializer.Deserialize(stored.Payload, TelemetryJsonContext.Default.TelemetryMessage)!;
            accumulator.Add(message);
            events.AddRange(SeriesEvent.Of(message));
        }

        var entries = accumulator.Buckets
            .OrderBy(b => b.Key.Start).ThenBy(b => b.Key.Metric, StringComparer.Ordinal).ThenBy(b => b.Key.Slot)
            .Select(b => new SeriesSummaryEntry(b.Key.Metric, b.Key.Slot, b.Key.Start, b.Value.Count, b.Value.Min, b.Value.Max, b.Value.Sum, b.Value.Last, b.Value.LastTsMs, b.Value.LastSeq))
            .ToList();
        return new SeriesSummary(CurrentVersion, grainSeconds, batch.Boot, [.. batch.Seqs.Select(r => new[] { r.From, r.To })], entries, events);
    }

    public SeriesStats StatsOf(SeriesSummaryEntry e) => new()
    {
        Count = e.Count, Min = e.Min, Max = e.Max, Sum = e.Sum, Last = e.Last, LastTsMs = e.LastTsMs, LastBoot = Boot, LastSeq = e.LastSeq,
    };
}

/// <param name="Start">Bucket start, Unix seconds.</param>
public sealed record SeriesSummaryEntry(
    [property: JsonPropertyName("m")] string Metric,
    [property: JsonPropertyName("s")] int Slot,
    [property: JsonPropertyName("t")] long Start,
    [property: JsonPropertyName("n")] long Count,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("sum")] double Sum,
    [property: JsonPropertyName("last")] double Last,
    [property: JsonPropertyName("lastTs")] long LastTsMs,
    [property: JsonPropertyName("lastSeq")] long LastSeq);

/// <summary>A swap or fault as a timeline shows it, with the message it came in.</summary>
public sealed record SeriesEvent(
    [property: JsonPropertyName("boot")] long Boot,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("slot")] int? Slot = null,
    [property: JsonPropertyName("code")] string? Code = null,
    [property: JsonPropertyName("slotIn")] int? SlotIn = null,
    [property: JsonPropertyName("batteryIn")] string? BatteryIn = null,
    [property: JsonPropertyName("slotOut")] int? SlotOut = null,
    [property: JsonPropertyName("batteryOut")] string? BatteryOut = null)
{
    public static IEnumerable<SeriesEvent> Of(TelemetryMessage m) => (m.Events ?? [])
        .Where(e => e.Type is EventTypes.Swap or EventTypes.Fault)
        .Select(e => new SeriesEvent(m.Boot, m.Seq, e.Type!, e.At, e.Slot, e.Code, e.SlotIn, e.BatteryIn, e.SlotOut, e.BatteryOut));
}

[JsonSerializable(typeof(SeriesSummary))]
internal sealed partial class SeriesJsonContext : JsonSerializerContext;
