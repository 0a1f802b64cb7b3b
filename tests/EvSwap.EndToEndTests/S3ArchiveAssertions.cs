using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EvSwap.Testing;

namespace EvSwap.EndToEndTests;

/// <summary>What the S3 archive tests check of the bucket and of the history API: every message once, as sent, under its key.</summary>
internal static class S3ArchiveAssertions
{
    public static void AssertExactlyOnceAsSent(Dictionary<(string Station, long Boot, long Seq), byte[]> sent, List<ArchivedLine> archived)
    {
        var identities = archived.Select(l => (l.Station, l.Boot, l.Seq)).ToList();
        var repeated = identities.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).Take(5).ToList();
        Assert.True(repeated.Count == 0, $"archived more than once: {string.Join(", ", repeated)}");
        var missing = sent.Keys.Except(identities).Take(5).ToList();
        Assert.True(missing.Count == 0, $"{sent.Count - identities.Count} accepted messages missing from the archive, e.g. {string.Join(", ", missing)}");
        Assert.Equal(sent.Count, identities.Count);

        foreach (var line in archived)
        {
            Assert.True(sent[(line.Station, line.Boot, line.Seq)].AsSpan().SequenceEqual(line.Payload), $"line ({line.Station}, {line.Boot}, {line.Seq}) differs from the payload sent");
        }

        // Each object holds one station, boot and date and is named by its first and last seq and the station times of
        // its earliest and latest message (DESIGN.md layout).
        foreach (var batch in archived.GroupBy(l => l.Key))
        {
            var lines = batch.ToList();
            var first = lines[0];
            var expectedKey = string.Create(CultureInfo.InvariantCulture,
                $"telemetry/v1/station={first.Station}/date={first.Ts.UtcDateTime:yyyy-MM-dd}/{first.Boot}-{first.Seq}-{lines[^1].Seq}.t{lines.Min(l => l.Ts).UtcDateTime:HHmmss}-{lines.Max(l => l.Ts).UtcDateTime:HHmmss}.ndjson.gz");
            Assert.Equal(expectedKey, batch.Key);
            Assert.All(lines, l => Assert.Equal((first.Station, first.Boot, first.Ts.UtcDateTime.Date), (l.Station, l.Boot, l.Ts.UtcDateTime.Date)));
            Assert.Equal(Enumerable.Range((int)first.Seq, lines.Count).Select(i => (long)i), lines.Select(l => l.Seq));
        }
    }

    public static async Task<(List<JsonElement> Items, int Pages)> ReadAllPagesAsync(TestSilo silo, string id, DateTimeOffset from, DateTimeOffset to, int limit)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        // Bounded: a cursor that never ends must fail the test, not hang it.
        do
        {
            var page = await silo.GetJsonAsync(
                $"/stations/{id}/telemetry?from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}&limit={limit}"
                + (cursor is null ? "" : "&cursor=" + cursor));
            pages++;
            var pageItems = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(pageItems.Count, 1, limit);
            items.AddRange(pageItems);
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null && pages < 100);

        Assert.Null(cursor);
        return (items, pages);
    }

    public static void AssertItemsAsSent(IEnumerable<(long Boot, long Seq)> expected, List<JsonElement> items, Dictionary<(long Boot, long Seq), (DateTimeOffset Ts, byte[] Payload)> sent)
    {
        var got = items.Select(i => (i.GetProperty("boot").GetInt64(), i.GetProperty("seq").GetInt64())).ToList();
        Assert.Equal(expected, got);
        foreach (var item in items)
        {
            var key = (item.GetProperty("boot").GetInt64(), item.GetProperty("seq").GetInt64());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(sent[key].Payload), JsonNode.Parse(item.GetProperty("payload").GetRawText())), $"payload of {key} differs from what was sent");
            Assert.Equal(sent[key].Ts, item.GetProperty("ts").GetDateTimeOffset());
        }
    }
}
