using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>What a station remembers for its alarm rules, persisted with its state.</summary>
[GenerateSerializer]
public sealed class AlarmRuleState
{
    /// <summary>By <c>{kind}/{slot}</c> (or <c>{kind}/station</c>).</summary>
    [Id(0)] public Dictionary<string, AlarmCondition> Conditions { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public Dictionary<int, TemperatureSample> Temperatures { get; set; } = [];

    /// <summary>
    /// Transitions not yet accepted by the station's alarm shard, oldest first. Kept in the persisted state so a failed
    /// call is retried by the maintenance timer, and lost by nothing but a crash before the state write, after which the
    /// redelivered message derives the same transitions with the same ids again.
    /// </summary>
    [Id(2)] public List<AlarmTransition> Outbox { get; set; } = [];

    /// <summary>Transitions dropped because the outbox was full (<see cref="AlarmEngine.MaxOutbox"/>), never reset: the grain logs it.</summary>
    [Id(3)] public long DroppedTransitions { get; set; }

    /// <summary>Queues a transition for the alarm shard; past <see cref="AlarmEngine.MaxOutbox"/> the oldest is dropped and counted.</summary>
    public void Enqueue(AlarmTransition transition)
    {
        if (Outbox.Count >= AlarmEngine.MaxOutbox)
        {
            Outbox.RemoveAt(0);
            DroppedTransitions++;
        }

        Outbox.Add(transition);
    }
}
