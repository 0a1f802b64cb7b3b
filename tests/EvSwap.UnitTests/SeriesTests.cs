using System.Text;
using EvSwap.Archive;
using EvSwap.Contracts;

namespace EvSwap.UnitTests;

/// <summary>
/// The series query against a real file-system archive: whatever path it takes (per-batch summaries, raw batches, the
/// grain's buffer), its buckets must equal buckets computed directly from the raw messages the archive holds.
/// </summary>
public sealed class SeriesTests : IDisposable
{
    private const string Station = "st-series";
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 22, 0, 0, TimeSpan.Zero);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "evswap-series-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData(SeriesMetrics.SocPct, null, 300)]
    [InlineData(SeriesMetrics.TempC, 2, 3600)]
    [InlineData(SeriesMetrics.GridPowerKw, null, 60)]
    public async Task Buckets_from_summaries_agree_with_the_raw_archive(string metric, int? slot, long step)
    {
        var (archive, buffered) = await ArchiveAsync(summaries: true);

        var result = await new SeriesReader(archive).ReadAsync(Station, metric, slot, Start, Start.AddHours(5), step, buffered);

        Assert.True(result.Sources.Summaries > 0);
        Assert.Equal(0, result.Sources.RawBatches);
        await AssertAgreesWithRawAsync(archive, buffered, result, metric, slot);
    }

    [Fact]
    public async Task A_step_finer_than_the_summaries_reads_raw_batches_and_still_agrees()
    {
        var (archive, buffered) = await ArchiveAsync(summaries: true);

        var result = await new SeriesReader(archive).ReadAsync(Station, SeriesMetrics.AmbientC, null, Start, Start.AddHours(5), 45, buffered);

        Assert.Equal(0, result.Sources.Summaries);
        Assert.True(result.Sources.RawBatches > 0);
        await AssertAgreesWithRawAsync(archive, buffered, result, SeriesMetrics.AmbientC, null);
    }

    [Fact]
    public async Task Batches_archived_without_a_summary_are_read_raw()
    {
        var (archive, buffered) = await ArchiveAsync(summaries: false);

        var result = await new SeriesReader(new TelemetryArchive(archive.Store, seriesSummaries: true)).ReadAsync(Station, SeriesMetrics.SocPct, 1, Start, Start.AddHours(5), 600, buffered);

        Assert.Equal(0, result.Sources.Summaries);
        await AssertAgreesWithRawAsync(archive, buffered, result, SeriesMetrics.SocPct, 1);
    }

    [Fact]
    public async Task A_buffered_message_that_was_archived_meanwhile_counts_once()
    {
        var (archive, buffered) = await ArchiveAsync(summaries: true);
        var archivedAgain = (await archive.ReadMessagesAsync((await archive.ListBatchesAsync(Station, DateOnly.FromDateTime(Start.UtcDateTime), DateOnly.FromDateTime(Start.AddHours(5).UtcDateTime)))[0]))[3];

        var result = await new SeriesReader(archive).ReadAsync(Station, SeriesMetrics.GridPowerKw, null, Start, Start.AddHours(5), 300, [.. buffered, archivedAgain]);

        Assert.Equal(buffered.Count, result.Sources.Buffered);
        await AssertAgreesWithRawAsync(archive, buffered, result, SeriesMetrics.GridPowerKw, null);
    }

    [Fact]
    public async Task The_range_widens_to_whole_buckets_and_a_bucket_spans_the_date_partitions()
    {
        var (archive, buffered) = await ArchiveAsync(summaries: true);

        var result = await new SeriesReader(archive).ReadAsync(Station, SeriesMetrics.GridPowerKw, null, Start.AddMinutes(107), Start.AddMinutes(130), 3600, buffered);

        Assert.Equal(Start.AddHours(1), result.From);
        Assert.Equal(Start.AddHours(3), result.To);
        // 23:00-00:00 and 00:00-01:00: the second bucket is in the next day's partition.
        Assert.Equal([Start.AddHours(1), Start.AddHours(2)], Assert.Single(result.Series).Buckets.Select(b => b.Start));
        Assert.All(result.Series[0].Buckets, b => Assert.Equal(720, b.Count));
    }

    /// <summary>
    /// Five hours of one message per 5 s across midnight UTC, with pseudo-random readings, batched every 20 minutes (and at
    /// the date change) as the grain does; the last 7 minutes stay "buffered" in the grain, unarchived.
    /// </summary>
    private async Task<(TelemetryArchive Archive, List<ArchivedMessage> Buffered)> ArchiveAsync(bool summaries)
    {
        var archive = new TelemetryArchive(new FileSystemArchiveStore(_root), summaries);
        var random = new Random(42);
        var messages = Enumerable.Range(0, 5 * 720).Select(i => Message(i + 1, Start.AddSeconds(5 * i), random)).ToList();
        var archivedCount = messages.Count - 7 * 12;
        foreach (var group in messages.Take(archivedCount).GroupBy(m => (Date: DateOnly.FromDateTime(m.Ts.UtcDateTime), Window: m.Seq / 240)))
        {
            var batch = TelemetryBatch.FromMessages(Station, 3, group.Key.Date, [.. group.Select(m => new BufferedMessage(m.Boot, m.Seq, m.Ts, m.Ts.AddSeconds(1), Samples.Json(m)))]);
            await archive.WriteBatchAsync(batch);
        }

        var buffered = messages.Skip(archivedCount).Select(m => new ArchivedMessage(m.Boot, m.Seq, m.Ts, m.Ts.AddSeconds(1), Encoding.UTF8.GetString(Samples.Json(m)))).ToList();
        return (archive, buffered);
    }

    private static TelemetryMessage Message(long seq, DateTimeOffset ts, Random random) => Samples.Message(Station, boot: 3, seq: seq, ts: ts, slots:
    [
        .. Enumerable.Range(1, 4).Select(slot => random.Next(10) == 0
            ? new SlotReading { Slot = slot, State = SlotStates.Empty }
            : new SlotReading { Slot = slot, State = SlotStates.Charging, BatteryId = $"bat-{slot}", SocPct = Math.Round(random.NextDouble() * 100, 1), TempC = Math.Round(20 + random.NextDouble() * 30, 1), SohPct = 90 }),
    ]) with { GridPowerKw = Math.Round(random.NextDouble() * 80, 2), AmbientC = Math.Round(10 + random.NextDouble() * 15, 1) };

    /// <summary>The expected buckets, computed the obvious way from every raw message in the archive and the buffer.</summary>
    private static async Task AssertAgreesWithRawAsync(TelemetryArchive archive, List<ArchivedMessage> buffered, SeriesResult result, string metric, int? slot)
    {
        var raw = new List<ArchivedMessage>(buffered);
        foreach (var batch in await archive.ListBatchesAsync(Station, DateOnly.FromDateTime(result.From.UtcDateTime), DateOnly.FromDateTime(result.To.UtcDateTime)))
        {
            raw.AddRange(await archive.ReadMessagesAsync(batch));
        }

        var points = raw.Where(m => m.Ts >= result.From && m.Ts < result.To)
            .Select(m => System.Text.Json.JsonSerializer.Deserialize(m.Payload, TelemetryJsonContext.Default.TelemetryMessage)!)
            .SelectMany(m => SeriesMetrics.Points(m).Select(p => (m.Ts, p.Metric, p.Slot, p.Value)))
            .Where(p => p.Metric == metric && (slot is null || p.Slot == slot))
            .ToList();
        var expected = points
            .GroupBy(p => (Slot: p.Slot, Start: p.Ts.ToUnixTimeSeconds() / result.StepSeconds * result.StepSeconds))
            .OrderBy(g => g.Key.Slot).ThenBy(g => g.Key.Start)
            .Select(g => (g.Key.Slot, g.Key.Start, (long)g.Count(), g.Min(p => p.Value), g.Average(p => p.Value), g.Max(p => p.Value), g.MaxBy(p => p.Ts).Value))
            .ToList();
        var actual = result.Series
            .SelectMany(line => line.Buckets.Select(b => (line.Slot ?? 0, b.Start.ToUnixTimeSeconds(), b.Count, b.Min, b.Avg, b.Max, b.Last)))
            .ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal((e.Item1, e.Item2, e.Item3, e.Item4, e.Item6, e.Item7), (a.Item1, a.Item2, a.Item3, a.Min, a.Max, a.Last));
            Assert.Equal(e.Item5, a.Avg, 9);
        }
    }
}
