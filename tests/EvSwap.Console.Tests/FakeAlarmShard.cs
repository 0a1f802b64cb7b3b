using EvSwap.Contracts;

namespace EvSwap.Console.Tests;

/// <summary>
/// An alarm shard holding the test's alarms in a list: lists, reads, acknowledges, assigns and comments as the real one
/// records them (assigning adds a comment), at <see cref="ConsoleLogicTests.Now"/>.
/// </summary>
internal sealed class FakeAlarmShard : IAlarmShardGrain
{
    public List<Alarm> Items { get; } = [];
    public AlarmQuery? LastQuery { get; private set; }

    /// <summary>Calls that changed an alarm, as "method:alarm id", in order.</summary>
    public List<string> Changes { get; } = [];

    public Task<AlarmPage> List(AlarmQuery query)
    {
        LastQuery = query;
        var items = Items.Where(a => (query.StationId is null || a.StationId == query.StationId) && (query.Severity is null || a.Severity == query.Severity)
            && (query.State is null || a.State == query.State) && (query.Kind is null || a.Kind == query.Kind)).ToList();
        items.Sort(AlarmCursor.Compare);
        return Task.FromResult(new AlarmPage(items, false));
    }

    /// <summary>Calls of <see cref="Get"/>.</summary>
    public int Reads { get; private set; }

    public Task<Alarm?> Get(string alarmId)
    {
        Reads++;
        return Task.FromResult(Items.Find(a => a.Id == alarmId));
    }

    public Task<Alarm?> Acknowledge(string alarmId, string by, string? comment) =>
        Change(nameof(Acknowledge), alarmId, a => a with { AcknowledgedAt = ConsoleLogicTests.Now, AcknowledgedBy = by });

    public Task<Alarm?> Assign(string alarmId, string? assignee, string by) =>
        Change(nameof(Assign), alarmId, a => a with { Assignee = assignee, Comments = [.. a.Comments, new(ConsoleLogicTests.Now, by, $"assigned to {assignee}")] });

    public Task<Alarm?> Comment(string alarmId, string author, string text) =>
        Change(nameof(Comment), alarmId, a => a with { Comments = [.. a.Comments, new(ConsoleLogicTests.Now, author, text)] });

    public Task Apply(IReadOnlyList<AlarmTransition> transitions) => throw new NotSupportedException();
    public Task<IReadOnlyList<AlarmDelivery>> GetDeliveries() => throw new NotSupportedException();
    public Task Sweep() => throw new NotSupportedException();

    private Task<Alarm?> Change(string method, string alarmId, Func<Alarm, Alarm> change)
    {
        Changes.Add($"{method}:{alarmId}");
        var i = Items.FindIndex(a => a.Id == alarmId);
        if (i < 0)
        {
            return Task.FromResult<Alarm?>(null);
        }

        Items[i] = change(Items[i]);
        return Task.FromResult<Alarm?>(Items[i]);
    }
}
