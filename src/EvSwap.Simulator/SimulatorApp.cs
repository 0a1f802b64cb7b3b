using System.Text.Json;

namespace EvSwap.Simulator;

/// <summary>One simulator run: publish, summarise, and optionally verify against the platform's API.</summary>
public static class SimulatorApp
{
    public static async Task<int> RunAsync(SimulatorOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        using var http = options.VerifyUrl is null ? null : new HttpClient { BaseAddress = new Uri(options.VerifyUrl), Timeout = TimeSpan.FromSeconds(30) };
        var verifier = http is null ? null : new Verifier(http, output);
        var runner = new FleetRunner(options, output);
        var ids = Enumerable.Range(0, options.Stations).Select(i => $"{options.IdPrefix}{i:D5}").ToList();
        var before = verifier is null ? null : await verifier.SnapshotAsync(ids, cancellationToken);
        var start = DateTimeOffset.UtcNow;

        output.WriteLine($"Simulating {options.Stations} stations x {options.Slots} slots every {options.EffectiveInterval.TotalSeconds:0.###} s ({options.Stations / options.EffectiveInterval.TotalSeconds:N0} msg/s) to {options.BrokerHost}:{options.BrokerPort} over {Math.Min(options.Connections, options.Stations)} connections{(options.Duration is { } d ? $" for {d}" : ", Ctrl-C to stop")}.");
        var summary = await runner.RunAsync(cancellationToken);
        output.WriteLine($"Done: {summary.Published:N0} published, {summary.Acknowledged:N0} acknowledged, {summary.Errors:N0} errors in {summary.Seconds:N1} s ({summary.MessagesPerSecond:N0} msg/s, {summary.AverageBytes:N0} B average); {summary.ExpectedAccepted:N0} distinct messages carrying {summary.Swaps:N0} swaps and {summary.Faults:N0} faults, {summary.LateMessages:N0} sent late, {summary.ExpectedDuplicates:N0} redelivered copies.");

        if (options.SummaryJson is { } path)
        {
            var json = JsonSerializer.Serialize(summary, SimulatorJsonContext.Default.RunSummary);
            if (path == "-")
            {
                output.WriteLine(json);
            }
            else
            {
                await File.WriteAllTextAsync(path, json, CancellationToken.None);
            }
        }

        var failed = summary.Errors > 0 || summary.Acknowledged != summary.Published;
        if (verifier is not null)
        {
            var problems = await verifier.VerifyAsync(runner.Tallies, before!, start, CancellationToken.None);
            failed |= problems.Count > 0;
        }

        if (runner.Downlink is { } downlink)
        {
            output.WriteLine($"Downlink: {downlink.Received:N0} commands received, {downlink.Answered:N0} answered ({downlink.Failed:N0} failed on purpose), {downlink.Silent:N0} left unanswered.");
        }

        if (runner.Riders is { } riders)
        {
            failed |= (await riders.VerifyAsync(runner.Downlink, CancellationToken.None)).Count > 0;
            riders.Dispose();
        }

        return failed ? 1 : 0;
    }
}
