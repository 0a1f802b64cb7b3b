using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>Hands a station's queued alarm transitions to its alarm shard; what fails stays queued for the next try.</summary>
public sealed class StationAlarmSender(IGrainFactory grains, IOptions<FleetOptions> fleet, IOptions<AlarmOptions> options, ILogger<StationAlarmSender> logger)
{
    public AlarmRuleOptions Rules => options.Value.Rules;

    /// <returns>True when the outbox changed (the state then needs a write).</returns>
    public async Task<bool> SendAsync(string stationId, AlarmRuleState rules)
    {
        if (rules.Outbox.Count == 0)
        {
            return false;
        }

        if (rules.DroppedTransitions > 0)
        {
            logger.LogError("Station {StationId}: {Count} alarm transitions were dropped while its alarm shard was unreachable.", stationId, rules.DroppedTransitions);
        }

        var batch = rules.Outbox.ToList();
        try
        {
            await grains.GetGrain<IAlarmShardGrain>(FleetIndex.ShardOf(stationId, fleet.Value.Shards)).Apply(batch);
            rules.Outbox.RemoveRange(0, batch.Count);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Station {StationId}: {Count} alarm transitions not yet accepted by the alarm shard; retried on the next message or maintenance tick.", stationId, batch.Count);
            return false;
        }
    }
}
