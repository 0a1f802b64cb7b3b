namespace EvSwap.Simulator;

/// <summary>The batteries' part of --verify: every battery a station holds at the end is where the platform says it is.</summary>
public sealed partial class Verifier
{
    private async Task<List<string>> BatteryProblemsAsync(IReadOnlyDictionary<string, StationTally> tallies, CancellationToken cancellationToken)
    {
        // Battery grains hear of custody changes behind the station grains (a fraction of a second): allow a bounded moment.
        var problems = await ReadBatteryProblemsAsync(tallies, cancellationToken);
        for (var attempt = 0; attempt < 50 && problems.Count > 0; attempt++)
        {
            await Task.Delay(200, cancellationToken);
            problems = await ReadBatteryProblemsAsync(tallies, cancellationToken);
        }

        return problems;
    }

    private async Task<List<string>> ReadBatteryProblemsAsync(IReadOnlyDictionary<string, StationTally> tallies, CancellationToken cancellationToken)
    {
        // A battery in two stations' newest snapshots was swapped out of one during a drop-out that station never
        // reported: the truth at the platform is the later docking, which the other station's stale snapshot cannot
        // contradict. Such batteries are left out rather than guessed.
        var held = tallies.ToDictionary(t => t.Key, t => t.Value.LatestBatteries, StringComparer.Ordinal);
        var places = held.Values.SelectMany(b => b).GroupBy(b => b.BatteryId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var problems = new List<string>();
        await Parallel.ForEachAsync(held, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (station, ct) =>
        {
            var listed = new Dictionary<string, int>(StringComparer.Ordinal);
            string? cursor = null;
            do
            {
                if (await GetJsonAsync($"/batteries?station={station.Key}&limit=1000" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), ct) is not { } page)
                {
                    break;
                }

                foreach (var item in page.GetProperty("items").EnumerateArray())
                {
                    listed[item.GetProperty("batteryId").GetString()!] = item.GetProperty("custody").TryGetProperty("slot", out var slot) ? slot.GetInt32() : 0;
                }

                cursor = NextCursor(page);
            }
            while (cursor is not null);

            var found = new List<string>();
            foreach (var (slot, battery) in station.Value.Where(b => places[b.BatteryId] == 1))
            {
                if (!listed.TryGetValue(battery, out var at) || at != slot)
                {
                    found.Add($"{station.Key}: battery {battery} is in slot {slot}, the platform has it {(listed.ContainsKey(battery) ? $"in slot {at}" : "elsewhere")}");
                }
            }

            foreach (var battery in listed.Keys.Where(b => !station.Value.Any(h => h.BatteryId == b)))
            {
                found.Add($"{station.Key}: the platform lists battery {battery} there, the station does not hold it");
            }

            lock (problems)
            {
                problems.AddRange(found);
            }
        });
        return problems;
    }
}
