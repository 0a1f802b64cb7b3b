using System.Diagnostics;
using System.Text.Json.Nodes;

namespace EvSwap.Infra.Tests;

/// <summary>Paths in the repository and the templates as cfn-lint parsed them (parsed once per test run).</summary>
public static class Repo
{
    public static readonly string Root = FindRoot();
    public static string InfraDir => Path.Combine(Root, "infra");
    public static string DockerDir => Path.Combine(Root, "docker");
    public static string ChecksDir => Path.Combine(Root, "tests", "infra");

    public static IReadOnlyList<string> TemplateFiles =>
        Directory.GetFiles(InfraDir, "*.yaml").Order(StringComparer.Ordinal).ToList();

    private static readonly Lazy<IReadOnlyList<InspectedTemplate>> _inspected = new(Inspect);
    public static IReadOnlyList<InspectedTemplate> Templates => _inspected.Value;

    public static InspectedTemplate Template(string name) =>
        Templates.Single(t => Path.GetFileName(t.File) == name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EvSwap.sln"))) return dir.FullName;
        throw new InvalidOperationException("EvSwap.sln not found above " + AppContext.BaseDirectory);
    }

    private static IReadOnlyList<InspectedTemplate> Inspect()
    {
        if (!Directory.Exists(Path.Combine(ChecksDir, "node_modules", "cfn-lint")))
            throw new InvalidOperationException("tests/infra/node_modules is missing: run `npm ci` in tests/infra (tests/run-tests.sh does).");
        var args = new List<string> { Path.Combine(ChecksDir, "inspect-templates.js") };
        args.AddRange(TemplateFiles);
        var (code, stdout, stderr) = Run("node", args, ChecksDir);
        if (code != 0) throw new InvalidOperationException($"inspect-templates.js failed ({code}): {stderr}");
        var list = JsonNode.Parse(stdout)!.AsArray();
        return list.Select(e => new InspectedTemplate(
            (string)e!["file"]!,
            e["template"] as JsonObject,
            (string?)e["parseError"],
            e["findings"]!.AsArray().Select(f => new LintFinding((string)f!["level"]!, (string)f["resource"]!, (string)f["message"]!)).ToList()))
            .ToList();
    }

    public static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, string workDir, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs)) { p.Kill(true); throw new TimeoutException($"{file} did not finish in {timeoutMs} ms"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

public sealed record LintFinding(string Level, string Resource, string Message);

public sealed record InspectedTemplate(string File, JsonObject? Template, string? ParseError, IReadOnlyList<LintFinding> Findings)
{
    public string Name => Path.GetFileName(File);
    public JsonObject Resources => (JsonObject)Template!["Resources"]!;
    public JsonObject Parameters => Template!["Parameters"] as JsonObject ?? new JsonObject();
    public JsonObject Outputs => Template!["Outputs"] as JsonObject ?? new JsonObject();
    public JsonObject Resource(string logicalId) => (JsonObject)Resources[logicalId]!;
    public IEnumerable<(string Id, JsonObject Body)> ResourcesOfType(string type) =>
        Resources.Where(r => (string?)r.Value!["Type"] == type).Select(r => (r.Key, (JsonObject)r.Value!));
    public override string ToString() => Name;
}
