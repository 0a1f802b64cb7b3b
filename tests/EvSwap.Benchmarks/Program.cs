using System.Diagnostics;
using EvSwap.Benchmarks;

// Usage: EvSwap.Benchmarks all|ceiling,e2e,aws,bridge [--quick] [--json FILE] [--markdown FILE] [--stations N]
var scenarios = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
var quick = false;
string? json = null, markdown = null;
var stations = 10_000;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": quick = true; break;
        case "--json": json = args[++i]; break;
        case "--markdown": markdown = args[++i]; break;
        case "--stations": stations = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "-h" or "--help":
            Console.WriteLine("EvSwap.Benchmarks [all | ceiling,e2e,aws,bridge] [--quick] [--json FILE] [--markdown FILE] [--stations N]");
            return 0;
        case "all": scenarios.UnionWith(Benchmark.AllScenarios); break;
        default:
            foreach (var s in args[i].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!Benchmark.AllScenarios.Contains(s))
                {
                    Console.Error.WriteLine($"unknown scenario '{s}'; use all or some of: {string.Join(", ", Benchmark.AllScenarios)}");
                    return 2;
                }

                scenarios.Add(s);
            }

            break;
    }
}

if (scenarios.Count == 0)
{
    scenarios.UnionWith(Benchmark.AllScenarios);
}

var options = new BenchOptions { Quick = quick, Scenarios = scenarios, Stations = stations };
var machine = Machine.Describe(quick);
Console.WriteLine(machine);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

var report = new Report();
var clock = Stopwatch.StartNew();
var status = 0;
try
{
    await new Benchmark(options, report).RunAsync(cts.Token);
}
catch (Exception ex)
{
    // Keep what was measured: a failed scenario still leaves the table of the others.
    Console.Error.WriteLine($"benchmark aborted: {ex}");
    status = 1;
}

Console.WriteLine();
var table = report.ToMarkdown(machine + $"; run took {clock.Elapsed.TotalMinutes:N1} min");
Console.WriteLine(table);
if (markdown is not null)
{
    await File.WriteAllTextAsync(markdown, table);
}

if (json is not null)
{
    await File.WriteAllTextAsync(json, report.ToJson(machine));
}

try
{
    Directory.Delete(options.WorkDir, recursive: true);
}
catch (IOException)
{
    // A stand-in may still hold a file for a moment; the directory is under /tmp.
}

return status;

internal static class Machine
{
    public static string Describe(bool quick)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return $"Machine: {Environment.ProcessorCount} cores ({cpu}), {long.Parse(memKb, System.Globalization.CultureInfo.InvariantCulture) / 1048576.0:N0} GiB, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(quick ? ", QUICK run" : "")}";
    }
}
