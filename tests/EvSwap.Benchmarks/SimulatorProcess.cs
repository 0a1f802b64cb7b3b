using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EvSwap.Simulator;

namespace EvSwap.Benchmarks;

/// <summary>
/// The standalone simulator (its Release build) as its own process, as a fleet connects: the in-process generator builds
/// its station models and connections inside the measured window and becomes the limit before the silo does.
/// </summary>
public static class SimulatorProcess
{
    /// <summary>Runs the simulator against the broker on <paramref name="port"/> with <paramref name="arguments"/>; fails on a non-zero exit.</summary>
    public static async Task<RunSummary> RunAsync(int port, int stations, string prefix, IEnumerable<string> arguments, string workDir, CancellationToken ct)
    {
        var dll = Path.Combine(Repo.Root, "src", "EvSwap.Simulator", "bin", "Release", "net10.0", "EvSwap.Simulator.dll");
        var summaryPath = Path.Combine(workDir, $"simulator-{prefix}{Guid.NewGuid():N}.json");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            dll, "--broker", $"127.0.0.1:{port}", "--stations", stations.ToString(CultureInfo.InvariantCulture),
            "--id-prefix", prefix, "--dropouts-per-day", "0", "--quiet", "--summary-json", summaryPath,
        }.Concat(arguments))
        {
            info.ArgumentList.Add(a);
        }

        using var simulator = Process.Start(info) ?? throw new InvalidOperationException("could not start the simulator");
        var output = simulator.StandardOutput.ReadToEndAsync(ct);
        var errors = simulator.StandardError.ReadToEndAsync(ct);
        await simulator.WaitForExitAsync(ct);
        if (simulator.ExitCode != 0)
        {
            throw new InvalidOperationException($"the simulator exited with {simulator.ExitCode}: {await output}{await errors}");
        }

        return JsonSerializer.Deserialize(await File.ReadAllTextAsync(summaryPath, ct), SimulatorJsonContext.Default.RunSummary)
            ?? throw new InvalidOperationException("the simulator wrote no summary");
    }
}
