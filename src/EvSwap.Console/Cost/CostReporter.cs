using EvSwap.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace EvSwap.Console;

/// <summary>
/// Reports this silo's <see cref="CostMeter"/> counters to the cluster's <see cref="ICostShareGrain"/> every
/// <see cref="Interval"/>, so the cost page of any silo shows the whole deployment.
/// </summary>
public sealed class CostReporter(CostMeter meter, IGrainFactory grains, ILocalSiloDetails silo, TimeProvider time, ILogger<CostReporter> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>The cluster's shares as of the last report, this silo's own counters included.</summary>
    public IReadOnlyList<CostShare> Shares { get; private set; } = [];

    public string Silo { get; } = silo.SiloAddress.ToParsableString();

    /// <summary>This silo's counters now, as a share.</summary>
    public CostShare Own()
    {
        var c = meter.Read();
        return new CostShare(Silo, c.Messages, c.StateWrites, c.ArchiveWrites, c.Elapsed, time.GetUtcNow());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                Shares = await grains.GetGrain<ICostShareGrain>(0).Report(Own());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Console: could not report this silo's cost counters; retrying in {Interval}.", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
    }
}
