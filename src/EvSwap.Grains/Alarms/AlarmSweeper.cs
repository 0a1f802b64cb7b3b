using EvSwap.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>
/// Asks every alarm shard, every Alarms:SweepInterval, to do its clock-driven work (offline stations, retention).
/// Every silo runs one: the calls land wherever each shard lives, so the sweep goes on as silos come and go, and the
/// shards stay active to deliver their webhooks.
/// </summary>
public sealed class AlarmSweeper(IGrainFactory grains, IOptions<FleetOptions> fleet, IOptions<AlarmOptions> options, TimeProvider time, ILogger<AlarmSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await Task.WhenAll(Enumerable.Range(0, fleet.Value.Shards).Select(SweepAsync));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(int shard)
    {
        try
        {
            await grains.GetGrain<IAlarmShardGrain>(shard).Sweep();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Alarm shard {Shard}: sweep failed; retried in {Interval}.", shard, options.Value.SweepInterval);
        }
    }
}
