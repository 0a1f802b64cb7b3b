using System.CommandLine;
using System.Diagnostics;
using EvSwap.Benchmarks;

var scenariosArgument = new Argument<string>("scenarios")
{
    Description = $"'all' ({string.Join(", ", Benchmark.DefaultScenarios)}) or a comma-separated list of: {string.Join(", ", Benchmark.AllScenarios)}.",
    DefaultValueFactory = _ => "all",
};
var quickOption = new Option<bool>("--quick") { Description = "Shorter steps and windows: indicative figures in about 5 minutes." };
var jsonOption = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };
var markdownOption = new Option<string?>("--markdown") { Description = "Also write the results table as markdown to this file." };
var stationsOption = new Option<int>("--stations") { Description = "Fleet size of the ceiling, end-to-end and bridge runs.", DefaultValueFactory = _ => 10_000 };
var scaleStationsOption = new Option<int>("--scale-stations") { Description = "Fleet size of the scale scenario, 1,000 to 100,000.", DefaultValueFactory = _ => 100_000 };
var root = new RootCommand("EvSwap benchmark: bare-broker ceilings, EvSwap end to end, AWS requests per message, the serverless comparison and the bridge, as one table.")
{
    scenariosArgument, quickOption, jsonOption, markdownOption, stationsOption, scaleStationsOption,
};
root.SetAction((parse, cancellationToken) => RunAsync(
    parse.GetValue(scenariosArgument)!, parse.GetValue(quickOption), parse.GetValue(jsonOption), parse.GetValue(markdownOption), parse.GetValue(stationsOption), parse.GetValue(scaleStationsOption), cancellationToken));
return await root.Parse(args).InvokeAsync();

static async Task<int> RunAsync(string scenarioList, bool quick, string? json, string? markdown, int stations, int scaleStations, CancellationToken cancellationToken)
{
    // Station ids are numbered with five digits by the simulator.
    if (scaleStations is < 1_000 or > 100_000)
    {
        Console.Error.WriteLine($"--scale-stations must be from 1,000 to 100,000; got {scaleStations}");
        return 2;
    }

    var scenarios = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    foreach (var s in scenarioList.Split(',', StringSplitOptions.RemoveEmptyEntries))
    {
        if (s.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            scenarios.UnionWith(Benchmark.DefaultScenarios);
        }
        else if (Benchmark.AllScenarios.Contains(s))
        {
            scenarios.Add(s);
        }
        else
        {
            Console.Error.WriteLine($"unknown scenario '{s}'; use all or some of: {string.Join(", ", Benchmark.AllScenarios)}");
            return 2;
        }
    }

    var options = new BenchOptions { Quick = quick, Scenarios = scenarios, Stations = stations, ScaleStations = scaleStations };
    var machine = Machine.Describe(quick);
    Console.WriteLine(machine);

    var report = new Report();
    var clock = Stopwatch.StartNew();
    var status = 0;
    try
    {
        await new Benchmark(options, report).RunAsync(cancellationToken);
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
}

internal static class Machine
{
    public static string Describe(bool quick)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return $"Machine: {Environment.ProcessorCount} cores ({cpu}), {long.Parse(memKb, System.Globalization.CultureInfo.InvariantCulture) / 1048576.0:N0} GiB, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(quick ? ", QUICK run" : "")}";
    }
}
