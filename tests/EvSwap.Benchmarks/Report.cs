using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EvSwap.Benchmarks;

/// <summary>One line of the results table: the figure, its value, what it is compared with, and how it was measured.</summary>
public sealed record Row(string Id, string Figure, double Value, string Unit, string? Comparison = null, bool? Met = null, string? How = null);

public sealed class Report
{
    private readonly List<Row> _rows = [];
    private readonly Dictionary<string, object?> _details = new(StringComparer.Ordinal);

    public IReadOnlyList<Row> Rows => _rows;

    public void Add(Row row)
    {
        _rows.Add(row);
        System.Console.WriteLine($"  => {row.Figure}: {Format(row.Value, row.Unit)}{(row.Comparison is null ? "" : $" ({row.Comparison})")}{(row.Met is { } m ? m ? " MET" : " MISSED" : "")}");
    }

    public void Detail(string key, object? value) => _details[key] = value;

    public double? Value(string id) => _rows.FirstOrDefault(r => r.Id == id)?.Value;

    public string ToMarkdown(string machine)
    {
        var md = new StringBuilder();
        md.AppendLine(machine).AppendLine();
        md.AppendLine("| # | figure | value | compared with | target |");
        md.AppendLine("|---|---|---:|---|---|");
        foreach (var r in _rows)
        {
            var met = r.Met switch { true => "met", false => "**missed**", null => "" };
            md.AppendLine($"| {r.Id} | {r.Figure} | {Format(r.Value, r.Unit)} | {r.Comparison ?? ""} | {met} |");
        }

        return md.ToString();
    }

    public string ToJson(string machine) => JsonSerializer.Serialize(new { machine, rows = _rows, details = _details }, JsonOptions);

    public static string Format(double value, string unit)
    {
        if (double.IsNaN(value))
        {
            return "n/a";
        }

        var number = Math.Abs(value) >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture)
            : Math.Abs(value) >= 1 ? value.ToString("0.##", CultureInfo.InvariantCulture)
            : value.ToString("0.#####", CultureInfo.InvariantCulture);
        return unit.Length == 0 ? number : $"{number} {unit}";
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
