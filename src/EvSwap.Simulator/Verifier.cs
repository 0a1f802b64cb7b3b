using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EvSwap.Simulator;

/// <summary>
/// Compares what a run published with what the platform reports through its API. Counters are compared as differences
/// from a snapshot taken before the run, so a platform that already knows these stations can still be verified exactly.
/// </summary>
public sealed partial class Verifier(HttpClient http, TextWriter output)
{
    private const int Parallelism = 16;

    public async Task<Dictionary<string, PlatformCounters>> SnapshotAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, PlatformCounters>(StringComparer.Ordinal);
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
    public async Task<List<string>> VerifyAsync(IReadOnlyDictionary<string, StationTally> tallies, IReadOnlyDictionary<string, PlatformCounters> before, DateTimeOffset runStart, CancellationToken cancellationToken)
    {
        var expected = tallies.ToDictionary(t => t.Key, t => t.Value.Expect(), StringComparer.Ordinal);

        // Live view and counters. What was acknowledged last may still be on its way into the grains, so allow the
        // platform a bounded moment to catch up before calling a difference.
        var after = await SnapshotAsync(tallies.Keys, cancellationToken);
        var problems = CounterProblems(expected, before, after);
        for (var attempt = 0; attempt < 50 && problems.Count > 0; attempt++)
        {
            await Task.Delay(200, cancellationToken);
            after = await SnapshotAsync(tallies.Keys, cancellationToken);
            problems = CounterProblems(expected, before, after);
        }

        // Fleet: every station that owes a message appears in the list.
        var listed = await ListStationIdsAsync(cancellationToken);
        var unlisted = expected.Where(e => e.Value.OwedMessages > 0 && !listed.Contains(e.Key)).Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        if (unlisted.Count > 0)
        {
            problems.Add($"fleet list is missing {unlisted.Count} stations, e.g. {string.Join(", ", unlisted.Take(5))}");
        }

        // History (archive plus the unflushed buffer) of every station: each acknowledged (boot, seq) exactly once.
        var history = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(expected.Where(e => e.Value.Messages.Count > 0), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (e, ct) =>
        {
            var found = new List<string>();
            StationCheck.History(e.Key, e.Value, await ReadHistoryAsync(e.Key, runStart, ct), found);
            lock (history)
            {
                history[e.Key] = found;
            }
        });
        problems.AddRange(history.SelectMany(h => h.Value));
        problems.AddRange(await LedgerProblemsAsync(expected, runStart, cancellationToken));
        problems.AddRange(await BatteryProblemsAsync(tallies, cancellationToken));

        // Station by station (a stable sort keeps counters before history): a late swap then shows as a missing
        // message next to the counters it left short.
        problems = [.. problems.OrderBy(StationOf, StringComparer.Ordinal)];

        var tally = tallies.Values;
        output.WriteLine(problems.Count == 0
            ? $"verify: OK - {tallies.Count} stations, {tally.Sum(t => t.Messages):N0} messages ({tally.Sum(t => t.Late):N0} sent late, {tally.Sum(t => t.Copies):N0} redelivered copies), {tally.Sum(t => t.Swaps):N0} swaps and {tally.Sum(t => t.Faults):N0} faults: each archived once and counted once, each swap in the ledger once, live views the newest, every battery where the platform says"
            : $"verify: {problems.Count} differences");
        foreach (var (kind, count) in Kinds(problems))
        {
            output.WriteLine($"  {count,6} x {kind}");
        }

        foreach (var p in problems.Take(50))
        {
            output.WriteLine("  - " + p);
        }

        if (problems.Count > 50)
        {
            output.WriteLine($"  ... and {problems.Count - 50} more");
        }

        return problems;
    }

    /// <summary>
    /// Differences grouped by what differs (station ids and numbers left out), most frequent first: in a large run the
    /// listed examples show one kind, the groups show them all.
    /// </summary>
    internal static IEnumerable<(string Kind, int Count)> Kinds(IEnumerable<string> problems) => problems
        .Select(p => p.IndexOf(": ", StringComparison.Ordinal) is var colon and >= 0 ? p[(colon + 2)..] : p)
        .Select(p => Regex.Replace(Regex.Replace(p, @" \([a-z][^)]*\)|, e\.g\. .*$", ""), @"\d+(-\d+)?", "N"))
        .GroupBy(k => k, StringComparer.Ordinal)
        .Select(g => (g.Key, g.Count()))
        .OrderByDescending(g => g.Item2)
        .ThenBy(g => g.Key, StringComparer.Ordinal);

    /// <summary>The station a difference is about ("st-00042: ..."), or "" for the fleet.</summary>
    private static string StationOf(string problem) =>
        problem.IndexOf(": ", StringComparison.Ordinal) is var colon and > 0 && !problem[..colon].Contains(' ', StringComparison.Ordinal) ? problem[..colon] : "";

    private static List<string> CounterProblems(Dictionary<string, StationExpectation> expected, IReadOnlyDictionary<string, PlatformCounters> before, IReadOnlyDictionary<string, PlatformCounters> after)
    {
        var problems = new List<string>();
        foreach (var (id, e) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            StationCheck.Counters(id, e, before.GetValueOrDefault(id, PlatformCounters.None), after[id], problems);
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

    /// <summary>The JSON body, or null for a 404.</summary>
    private async Task<JsonElement?> GetJsonAsync(string url, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(url, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }

    private async Task<PlatformCounters> ReadAsync(string id, CancellationToken cancellationToken)
    {
        if (await GetJsonAsync($"/stations/{id}", cancellationToken) is not { } view)
        {
            return PlatformCounters.None;
        }

        var c = view.GetProperty("counters");
        return new PlatformCounters(true, view.GetProperty("boot").GetInt64(), view.GetProperty("seq").GetInt64(),
            c.GetProperty("messages").GetInt64(), c.GetProperty("duplicates").GetInt64(), c.GetProperty("swapsTotal").GetInt64(), c.GetProperty("faults").GetInt64());
    }

    private async Task<HashSet<string>> ListStationIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var page = (await GetJsonAsync("/stations?limit=1000" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), cancellationToken))!.Value;
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                ids.Add(item.GetProperty("stationId").GetString()!);
            }

            cursor = NextCursor(page);
        }
        while (cursor is not null);
        return ids;
    }

    /// <summary>Every (boot, seq) the history endpoint returns from the run's start, in the order it returns them, across pages.</summary>
    private async Task<List<(long Boot, long Seq)>> ReadHistoryAsync(string id, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var seen = new List<(long, long)>();
        string? cursor = null;
        var range = $"from={Uri.EscapeDataString(from.AddSeconds(-1).ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}";
        do
        {
            if (await GetJsonAsync($"/stations/{id}/telemetry?limit=1000&{range}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), cancellationToken) is not { } page)
            {
                break; // never reported: every owed message shows as missing
            }

            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                seen.Add((item.GetProperty("boot").GetInt64(), item.GetProperty("seq").GetInt64()));
            }

            cursor = NextCursor(page);
        }
        while (cursor is not null);
        return seen;
    }

    private static string? NextCursor(JsonElement page) =>
        page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
}
