using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EvSwap.Simulator;

/// <summary>
/// Compares what a run published with what the platform reports. Counters are compared as differences from a
/// snapshot taken before the run, so a platform that already knows these stations can still be verified exactly.
/// </summary>
public sealed class Verifier(HttpClient http, TextWriter output)
{
    private const int Parallelism = 16;

    public sealed record Counters(bool Exists, long Boot, long Seq, long Messages, long Duplicates, long Swaps);

    public async Task<Dictionary<string, Counters>> SnapshotAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, Counters>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            var counters = await ReadAsync(id, ct);
            lock (result)
            {
                result[id] = counters;
            }
        });
        return result;
    }

    /// <summary>Returns the differences found; empty means the platform matches the run.</summary>
    public async Task<List<string>> VerifyAsync(IReadOnlyDictionary<string, StationTally> tallies, IReadOnlyDictionary<string, Counters> before, DateTimeOffset runStart, CancellationToken cancellationToken)
    {
        var problems = new List<string>();

        // Per-station: watermark, accepted messages, duplicates and swaps. The last snapshot must be visible, so
        // allow the platform a moment to apply what was acknowledged last.
        var after = await SnapshotAsync(tallies.Keys, cancellationToken);
        for (var attempt = 0; attempt < 50 && Mismatches(tallies, before, after).Count > 0; attempt++)
        {
            await Task.Delay(200, cancellationToken);
            after = await SnapshotAsync(tallies.Keys, cancellationToken);
        }

        problems.AddRange(Mismatches(tallies, before, after));

        // Fleet: every station that published appears in the list.
        var listed = await ListStationIdsAsync(cancellationToken);
        var missing = tallies.Where(t => t.Value.Accepted > 0 && !listed.Contains(t.Key)).Select(t => t.Key).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"fleet list is missing {missing.Count} stations, e.g. {string.Join(", ", missing.Take(5))}");
        }

        // Archive: the history endpoint (archive plus buffer) holds each accepted message of this run exactly once.
        foreach (var (id, tally) in tallies.OrderBy(t => t.Key, StringComparer.Ordinal).Take(20))
        {
            var seen = await CountHistoryAsync(id, runStart, cancellationToken);
            if (seen.Count != seen.Distinct().Count() || seen.Count != tally.Accepted)
            {
                problems.Add($"{id}: history holds {seen.Count} messages ({seen.Distinct().Count()} distinct) since the run started, published and accepted {tally.Accepted}");
            }
        }

        output.WriteLine(problems.Count == 0
            ? $"verify: OK - {tallies.Count} stations, {tallies.Values.Sum(t => t.Accepted):N0} accepted messages, {tallies.Values.Sum(t => t.Swaps):N0} swaps match the platform"
            : $"verify: {problems.Count} differences");
        foreach (var p in problems.Take(50))
        {
            output.WriteLine("  - " + p);
        }

        return problems;
    }

    private static List<string> Mismatches(IReadOnlyDictionary<string, StationTally> tallies, IReadOnlyDictionary<string, Counters> before, IReadOnlyDictionary<string, Counters> after)
    {
        var problems = new List<string>();
        foreach (var (id, t) in tallies)
        {
            if (t.Accepted == 0)
            {
                continue;
            }

            var b = before[id];
            var a = after[id];
            if (!a.Exists)
            {
                problems.Add($"{id}: not found (404)");
                continue;
            }

            if ((a.Boot, a.Seq) != (t.Boot, t.LastSeq))
            {
                problems.Add($"{id}: watermark ({a.Boot}, {a.Seq}), last published ({t.Boot}, {t.LastSeq})");
            }

            if (a.Messages - b.Messages != t.Accepted)
            {
                problems.Add($"{id}: {a.Messages - b.Messages} messages applied, {t.Accepted} expected");
            }

            if (a.Duplicates - b.Duplicates != t.Duplicates)
            {
                problems.Add($"{id}: {a.Duplicates - b.Duplicates} duplicates counted, {t.Duplicates} sent");
            }

            if (a.Swaps - b.Swaps != t.Swaps)
            {
                problems.Add($"{id}: {a.Swaps - b.Swaps} swaps counted, {t.Swaps} published");
            }
        }

        return problems;
    }

    /// <summary>GET that honours 429 Retry-After: the platform rate-limits per client, and the verifier is one.</summary>
    private async Task<HttpResponseMessage> GetAsync(string url, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await http.GetAsync(url, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 20)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait, cancellationToken);
        }
    }

    private async Task<JsonElement> GetJsonAsync(string url, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(url, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }

    private async Task<Counters> ReadAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await GetAsync($"/stations/{id}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new Counters(false, 0, -1, 0, 0, 0);
        }

        response.EnsureSuccessStatusCode();
        var view = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var c = view.GetProperty("counters");
        return new Counters(true, view.GetProperty("boot").GetInt64(), view.GetProperty("seq").GetInt64(),
            c.GetProperty("messages").GetInt64(), c.GetProperty("duplicates").GetInt64(), c.GetProperty("swapsTotal").GetInt64());
    }

    private async Task<HashSet<string>> ListStationIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync("/stations?limit=1000" + (cursor is null ? "" : "&cursor=" + cursor), cancellationToken);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                ids.Add(item.GetProperty("stationId").GetString()!);
            }

            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return ids;
    }

    private async Task<List<(long, long)>> CountHistoryAsync(string id, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var seen = new List<(long, long)>();
        string? cursor = null;
        var to = DateTimeOffset.UtcNow.AddMinutes(1);
        do
        {
            var url = $"/stations/{id}/telemetry?limit=1000&from={Uri.EscapeDataString(from.AddSeconds(-1).ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}" + (cursor is null ? "" : "&cursor=" + cursor);
            var page = await GetJsonAsync(url, cancellationToken);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                seen.Add((item.GetProperty("boot").GetInt64(), item.GetProperty("seq").GetInt64()));
            }

            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return seen;
    }
}
