namespace EvSwap.Simulator;

/// <summary>The swap ledger's part of --verify: every swap the platform owes is a record, and none is there twice.</summary>
public sealed partial class Verifier
{
    private async Task<List<string>> LedgerProblemsAsync(Dictionary<string, StationExpectation> expected, DateTimeOffset runStart, CancellationToken cancellationToken)
    {
        // Records are written behind the station grains (a fraction of a second): allow a bounded moment.
        var problems = await ReadLedgerProblemsAsync(expected, runStart, cancellationToken);
        for (var attempt = 0; attempt < 50 && problems.Count > 0; attempt++)
        {
            await Task.Delay(200, cancellationToken);
            problems = await ReadLedgerProblemsAsync(expected, runStart, cancellationToken);
        }

        return problems;
    }

    private async Task<List<string>> ReadLedgerProblemsAsync(Dictionary<string, StationExpectation> expected, DateTimeOffset runStart, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var range = $"from={Uri.EscapeDataString(runStart.AddSeconds(-1).ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}";
        await Parallel.ForEachAsync(expected.Where(e => e.Value.OwedSwaps + e.Value.UnsureSwaps > 0), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (e, ct) =>
        {
            var ids = new List<string>();
            string? cursor = null;
            do
            {
                if (await GetJsonAsync($"/swaps?station={e.Key}&limit=1000&{range}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), ct) is not { } page)
                {
                    break;
                }

                ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
                cursor = NextCursor(page);
            }
            while (cursor is not null);

            var distinct = ids.Distinct(StringComparer.Ordinal).Count();
            var found = new List<string>();
            if (distinct != ids.Count)
            {
                found.Add($"{e.Key}: {ids.Count - distinct} swap records listed twice in the ledger");
            }

            if (distinct < e.Value.OwedSwaps || distinct > e.Value.OwedSwaps + e.Value.UnsureSwaps)
            {
                found.Add($"{e.Key}: {distinct} swap records in the ledger, expected {e.Value.OwedSwaps}" + (e.Value.UnsureSwaps > 0 ? $"-{e.Value.OwedSwaps + e.Value.UnsureSwaps}" : ""));
            }

            lock (problems)
            {
                problems.AddRange(found);
            }
        });
        return problems;
    }
}
