using EvSwap.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>
/// Hands a station's or a battery's queued alarm transitions to the alarm shards that own them (the shard of the
/// station each alarm belongs to); what fails stays queued for the next try.
/// </summary>
public sealed class AlarmTransitionSender(IGrainFactory grains, IOptions<FleetOptions> fleet, IOptions<AlarmOptions> options, ILogger<AlarmTransitionSender> logger)
{
    public AlarmRuleOptions Rules => options.Value.Rules;

    /// <param name="owner">The station or battery whose outbox this is, for the log.</param>
    /// <returns>True when the outbox changed (the state then needs a write).</returns>
    public async Task<bool> SendAsync(string owner, AlarmRuleState rules)
    {
        if (rules.Outbox.Count == 0)
        {
            return false;
        }

        if (rules.DroppedTransitions > 0)
        {
            logger.LogError("{Owner}: {Count} alarm transitions were dropped while its alarm shard was unreachable.", owner, rules.DroppedTransitions);
        }

        // A station's transitions all go to its own shard; a battery's follow the stations where each alarm was raised.
        var batches = rules.Outbox.GroupBy(t => FleetIndex.ShardOf(t.StationId, fleet.Value.Shards)).ToList();
        var changed = false;
        foreach (var batch in batches)
        {
            var transitions = batch.ToList();
            try
            {
                await grains.GetGrain<IAlarmShardGrain>(batch.Key).Apply(transitions);
                rules.Outbox.RemoveAll(transitions.Contains);
                changed = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "{Owner}: {Count} alarm transitions not yet accepted by alarm shard {Shard}; retried later.", owner, transitions.Count, batch.Key);
            }
        }

        return changed;
    }
}
