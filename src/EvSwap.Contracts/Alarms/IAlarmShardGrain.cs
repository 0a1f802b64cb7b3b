using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>
/// The alarms of the stations whose id hashes to this shard (the same shards as the fleet index): their lifecycle,
/// history and notifications. Station grains send transitions; the API lists, acknowledges, assigns and comments.
/// </summary>
public interface IAlarmShardGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Idempotent: an alarm raised or cleared before stays as it is. Returns once the change is stored. Interleaved:
    /// transitions that arrive while the shard writes are stored together by its next write (a group commit).
    /// </summary>
    [AlwaysInterleave]
    Task Apply(IReadOnlyList<AlarmTransition> transitions);

    [AlwaysInterleave]
    Task<AlarmPage> List(AlarmQuery query);

    [AlwaysInterleave]
    Task<Alarm?> Get(string alarmId);

    /// <summary>Null when there is no such alarm. Acknowledging twice keeps the first acknowledgement.</summary>
    Task<Alarm?> Acknowledge(string alarmId, string by, string? comment);

    Task<Alarm?> Assign(string alarmId, string? assignee, string by);

    Task<Alarm?> Comment(string alarmId, string author, string text);

    /// <summary>Deliveries not yet made: pending retries and those given up on.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<AlarmDelivery>> GetDeliveries();

    /// <summary>Clock-driven work: offline stations, retention, due webhook deliveries. Called by every silo's sweeper.</summary>
    Task Sweep();
}
