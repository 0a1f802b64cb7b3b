using System.Collections;
using EvSwap.Contracts;

namespace EvSwap.Bridge;

/// <summary>
/// The logging scope <c>StationId</c> of a message being processed. It holds the topic and cuts the id out only when a
/// log line is actually written: the scope is pushed for every message, a log line is rare.
/// </summary>
internal sealed class StationTopicScope(string topic) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] => index == 0
        ? new("StationId", TelemetryTopic.TryParseStationId(topic, out var id) ? id : null)
        : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"StationId:{this[0].Value}";
}
