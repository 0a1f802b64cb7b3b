using System.Globalization;

namespace EvSwap.Benchmarks;

/// <summary>The silo's Prometheus counters (summed over their label sets), read over HTTP like any scraper would.</summary>
public sealed class SiloMetrics(IReadOnlyDictionary<string, double> values)
{
    public double this[string name] =>
        values.TryGetValue(name + "_total", out var total) ? total : values.TryGetValue(name, out var plain) ? plain : 0;

    public long Accepted => (long)this["evswap_bridge_accepted"];
    public long Received => (long)this["evswap_bridge_received"];
    public long Duplicates => (long)this["evswap_bridge_duplicates"];
    public long Rejected => (long)this["evswap_bridge_rejected"];
    public long StateWrites => (long)this["evswap_state_writes"];
    public long ArchiveWrites => (long)this["evswap_archive_writes"];
    public long DynamoDbRequests => (long)this["evswap_dynamodb_requests"];

    public static async Task<SiloMetrics> ReadAsync(HttpClient http, string apiUrl)
    {
        var text = await http.GetStringAsync(apiUrl + "/metrics");
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny(['{', ' ']);
            var valueStart = line.LastIndexOf(' ');
            if (nameEnd <= 0 || valueStart <= nameEnd
                || !double.TryParse(line[(valueStart + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var name = line[..nameEnd];
            values[name] = values.GetValueOrDefault(name) + value;
        }

        return new SiloMetrics(values);
    }
}
