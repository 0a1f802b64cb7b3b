using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// The lifecycle rules of one shard's alarms, free of Orleans: transitions, acknowledgement, assignment, comments,
/// offline stations, retention and the webhook outbox. Every method returns what changed so the grain writes only then.
/// </summary>
public sealed class AlarmBook(AlarmShardState state, AlarmOptions options)
{
    public const int MaxComments = 200;

    public AlarmShardState State => state;

    /// <summary>Raises what is new and clears what is active; repeats of either change nothing.</summary>
    public List<AlarmChange> Apply(IEnumerable<AlarmTransition> transitions, DateTimeOffset now)
    {
        var changes = new List<AlarmChange>();
        foreach (var t in transitions)
        {
            var existing = state.Alarms.GetValueOrDefault(t.AlarmId);
            if (t.Raise && existing is null)
            {
                var alarm = new Alarm(t.AlarmId, t.StationId, t.Slot, t.Kind, t.Severity, t.Code, t.Message, t.At, null, null, null, null, [], t.BatteryId);
                Record(changes, alarm, AlarmEvents.Raised, now);
            }
            else if (!t.Raise && existing is { ClearedAt: null })
            {
                // Station time may run behind the raise on a clock step; an alarm never clears before it was raised.
                Record(changes, existing with { ClearedAt = t.At < existing.RaisedAt ? existing.RaisedAt : t.At }, AlarmEvents.Cleared, now);
            }
        }

        return changes;
    }

    public (Alarm? Alarm, AlarmChange? Change) Acknowledge(string id, string by, string? comment, DateTimeOffset now)
    {
        if (!state.Alarms.TryGetValue(id, out var alarm))
        {
            return (null, null);
        }

        var updated = comment is null ? alarm : alarm with { Comments = AddComment(alarm, new AlarmComment(now, by, comment)) };
        if (alarm.AcknowledgedAt is not null)
        {
            state.Alarms[id] = updated;
            return (updated, null);
        }

        var changes = new List<AlarmChange>();
        Record(changes, updated with { AcknowledgedAt = now, AcknowledgedBy = by }, AlarmEvents.Acknowledged, now);
        return (changes[0].Alarm, changes[0]);
    }

    public Alarm? Assign(string id, string? assignee, string by, DateTimeOffset now)
    {
        if (!state.Alarms.TryGetValue(id, out var alarm))
        {
            return null;
        }

        var note = assignee is null ? "unassigned" : $"assigned to {assignee}";
        return state.Alarms[id] = alarm with { Assignee = assignee, Comments = AddComment(alarm, new AlarmComment(now, by, note)) };
    }

    public Alarm? Comment(string id, string author, string text, DateTimeOffset now)
    {
        if (!state.Alarms.TryGetValue(id, out var alarm))
        {
            return null;
        }

        return state.Alarms[id] = alarm with { Comments = AddComment(alarm, new AlarmComment(now, author, text)) };
    }

    public AlarmPage List(AlarmQuery query)
    {
        var matches = state.Alarms.Values.Where(a => Matches(a, query)).ToList();
        matches.Sort(AlarmCursor.Compare);
        return new AlarmPage(matches.Take(query.Limit).ToList(), matches.Count > query.Limit);
    }

    /// <summary>
    /// Raises an offline alarm for each station silent for longer than the offline rule allows, and clears it once the
    /// station reported again. One alarm per silence: its id is derived from the last message time before it.
    /// </summary>
    public List<AlarmChange> CheckOffline(IEnumerable<(string StationId, DateTimeOffset LastSeen)> stations, DateTimeOffset now)
    {
        var rule = options.Rules.Offline;
        var changes = new List<AlarmChange>();
        if (!rule.Enabled)
        {
            return changes;
        }

        var open = state.Alarms.Values.Where(a => a.Kind == AlertKinds.Offline && a.ClearedAt is null).ToDictionary(a => a.StationId, StringComparer.Ordinal);
        var limit = options.Rules.OfflineAfter;
        foreach (var (station, lastSeen) in stations)
        {
            var silentSince = lastSeen + limit;
            if (now >= silentSince && !open.ContainsKey(station))
            {
                var id = AlarmIds.ForTime(station, AlertKinds.Offline, null, lastSeen);
                if (!state.Alarms.ContainsKey(id))
                {
                    var message = $"no message since {lastSeen:O} (limit {limit})";
                    Record(changes, new Alarm(id, station, null, AlertKinds.Offline, rule.Severity, null, message, silentSince, null, null, null, null, []), AlarmEvents.Raised, now);
                }
            }
            else if (open.TryGetValue(station, out var alarm) && lastSeen > alarm.RaisedAt - limit && now - lastSeen < limit)
            {
                Record(changes, alarm with { ClearedAt = lastSeen }, AlarmEvents.Cleared, now);
            }
        }

        return changes;
    }

    /// <summary>
    /// Escalates, once, each alarm of at least <c>Alarms:EscalateMinSeverity</c> still active and unacknowledged
    /// <c>Alarms:EscalateAfter</c> after it was raised: nobody has taken it, so webhooks that take <c>escalated</c> hear of it.
    /// </summary>
    public List<AlarmChange> Escalate(DateTimeOffset now)
    {
        var changes = new List<AlarmChange>();
        if (options.EscalateAfter <= TimeSpan.Zero)
        {
            return changes;
        }

        var minimum = AlarmSeverities.Rank(options.EscalateMinSeverity);
        foreach (var alarm in state.Alarms.Values.ToList())
        {
            if (alarm is { ClearedAt: null, AcknowledgedAt: null, EscalatedAt: null } && AlarmSeverities.Rank(alarm.Severity) >= minimum && now - alarm.RaisedAt >= options.EscalateAfter)
            {
                Record(changes, alarm with { EscalatedAt = now }, AlarmEvents.Escalated, now);
            }
        }

        return changes;
    }

    /// <summary>Drops finished alarms past Alarms:Retention, and the oldest past Alarms:MaxClosedPerShard.</summary>
    public bool Prune(DateTimeOffset now)
    {
        var closed = state.Alarms.Values.Where(a => a is { ClearedAt: not null, AcknowledgedAt: not null }).OrderBy(a => a.ClearedAt).ToList();
        var excess = Math.Max(0, closed.Count - options.MaxClosedPerShard);
        var removed = 0;
        foreach (var alarm in closed)
        {
            if (removed < excess || now - alarm.ClearedAt!.Value > options.Retention)
            {
                state.Alarms.Remove(alarm.Id);
                removed++;
            }
        }

        return removed > 0;
    }

    public List<PendingNotification> Due(DateTimeOffset now) => state.Outbox.Where(n => n.NextAttemptAt <= now).ToList();

    /// <summary>Records one delivery round: gone when delivered, else retried later until it is marked failed.</summary>
    public bool Delivered(PendingNotification notification, string? error, DateTimeOffset now)
    {
        notification.Attempts++;
        notification.LastAttemptAt = now;
        notification.LastError = error;
        if (error is null || notification.Attempts >= options.DeliveryAttempts || notification.Webhook >= options.Webhooks.Count)
        {
            state.Outbox.Remove(notification);
            if (error is not null)
            {
                state.Failed.Add(notification);
                if (state.Failed.Count > options.MaxFailedPerShard)
                {
                    state.Failed.RemoveAt(0);
                }
            }

            return error is null;
        }

        var wait = options.DeliveryBackoff * Math.Pow(2, Math.Min(notification.Attempts - 1, 16));
        notification.NextAttemptAt = now + (wait > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : wait);
        return false;
    }

    public IReadOnlyList<AlarmDelivery> Deliveries() =>
        [.. state.Outbox.Select(n => n.ToDelivery(failed: false)), .. state.Failed.Select(n => n.ToDelivery(failed: true))];

    private void Record(List<AlarmChange> changes, Alarm alarm, string evt, DateTimeOffset now)
    {
        state.Alarms[alarm.Id] = alarm;
        changes.Add(new AlarmChange(alarm, evt));
        var eventId = $"{alarm.Id}:{evt}";
        for (var i = 0; i < options.Webhooks.Count; i++)
        {
            if (options.Webhooks[i].Matches(alarm.Kind, alarm.Severity, evt) && !state.Outbox.Any(n => n.EventId == eventId && n.Webhook == i))
            {
                state.Outbox.Add(new PendingNotification { EventId = eventId, AlarmId = alarm.Id, Event = evt, Webhook = i, CreatedAt = now, NextAttemptAt = now });
            }
        }
    }

    private static IReadOnlyList<AlarmComment> AddComment(Alarm alarm, AlarmComment comment) =>
        alarm.Comments.Count >= MaxComments ? [.. alarm.Comments.Skip(1), comment] : [.. alarm.Comments, comment];

    private static bool Matches(Alarm a, AlarmQuery q) =>
        (q.State is null || a.State == q.State)
        && (q.Kind is null || a.Kind == q.Kind)
        && (q.Severity is null || a.Severity == q.Severity)
        && (q.StationId is null || a.StationId == q.StationId)
        && (q.BatteryId is null || a.BatteryId == q.BatteryId)
        && (q.From is null || a.RaisedAt >= q.From)
        && (q.To is null || a.RaisedAt < q.To)
        && (q.After is null || q.After.Precedes(a));
}
