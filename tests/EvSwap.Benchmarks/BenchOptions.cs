namespace EvSwap.Benchmarks;

public sealed record BenchOptions
{
    public bool Quick { get; init; }
    public string WorkDir { get; init; } = Path.Combine(Path.GetTempPath(), "evswap-bench-" + Environment.ProcessId);
    public ISet<string> Scenarios { get; init; } = new HashSet<string>(Benchmark.AllScenarios);

    /// <summary>Stations of the fleet in the ceiling, throughput and memory runs.</summary>
    public int Stations { get; init; } = 10_000;

    /// <summary>Fleet of the scale scenario (issue 18: 100,000 stations at one message per minute into one silo).</summary>
    public int ScaleStations { get; init; } = 100_000;

    public TimeSpan StepDuration => Quick ? TimeSpan.FromSeconds(6) : TimeSpan.FromSeconds(15);

    /// <summary>A publish rate no run here reaches: the simulator then publishes as fast as the broker acknowledges.</summary>
    public double SaturatingRate => 60_000;

    public TimeSpan SaturatingDuration => Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(6);

    public IReadOnlyList<double> Steps => Quick ? [5_000, 7_500, 10_000, 15_000, 20_000] : [5_000, 7_500, 10_000, 12_500, 15_000, 17_500, 20_000, 22_500, 25_000, 27_500, 30_000];
}
