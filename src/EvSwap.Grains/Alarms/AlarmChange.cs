using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>One alarm event, as the shard records, counts and notifies it.</summary>
public readonly record struct AlarmChange(Alarm Alarm, string Event);
