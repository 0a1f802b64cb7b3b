using EvSwap.Contracts;
using EvSwap.Grains;
using EvSwap.Webhooks;

namespace EvSwap.UnitTests;

public sealed class AlarmBookTests
{
    private static readonly DateTimeOffset T0 = Samples.Now;
    private readonly AlarmOptions _options = new();
    private readonly AlarmBook _book;

    public AlarmBookTests()
    {
        _options.Webhooks.Add(new WebhookOptions { Url = "https://hooks.example/all", Secret = "0123456789abcdef" });
        _options.Webhooks.Add(new WebhookOptions { Url = "https://hooks.example/critical", Secret = "0123456789abcdef", MinSeverity = AlarmSeverities.Critical });
        _book = new AlarmBook(new AlarmShardState(), _options);
    }

    private static AlarmTransition Raise(string id, string kind = AlertKinds.OverTemperature, string severity = AlarmSeverities.Critical, DateTimeOffset? at = null, string station = "st-1") =>
        new(id, station, 1, kind, severity, Raise: true, at ?? T0, null, "hot");

    private static AlarmTransition Clear(string id, DateTimeOffset at) => new(id, "st-1", 1, AlertKinds.OverTemperature, AlarmSeverities.Critical, Raise: false, at, null, "cleared");

    [Fact]
    public void An_alarm_goes_through_the_four_states_and_repeated_transitions_change_nothing()
    {
        const string id = "st-1.over-temperature.1.b1s3";
        Assert.Single(_book.Apply([Raise(id)], T0));
        Assert.Equal(AlarmStates.ActiveUnacknowledged, _book.State.Alarms[id].State);
        Assert.Empty(_book.Apply([Raise(id)], T0.AddSeconds(5)));

        var (acked, change) = _book.Acknowledge(id, "alice", "looking", T0.AddMinutes(1));
        Assert.Equal((AlarmStates.ActiveAcknowledged, "alice", AlarmEvents.Acknowledged), (acked!.State, acked.AcknowledgedBy, change!.Value.Event));
        var (again, none) = _book.Acknowledge(id, "bob", null, T0.AddMinutes(2));
        Assert.Equal(("alice", (AlarmChange?)null), (again!.AcknowledgedBy, none));

        Assert.Single(_book.Apply([Clear(id, T0.AddMinutes(3))], T0.AddMinutes(3)));
        Assert.Empty(_book.Apply([Clear(id, T0.AddMinutes(4)), Raise(id)], T0.AddMinutes(4)));
        var alarm = _book.State.Alarms[id];
        Assert.Equal((AlarmStates.ClearedAcknowledged, T0.AddMinutes(3)), (alarm.State, alarm.ClearedAt));
        Assert.Equal("looking", Assert.Single(alarm.Comments).Text);
    }

    [Fact]
    public void Cleared_before_anyone_acknowledged_is_cleared_unacknowledged()
    {
        _book.Apply([Raise("st-1.slot-fault.1.b1s1", AlertKinds.SlotFault)], T0);
        _book.Apply([Clear("st-1.slot-fault.1.b1s1", T0.AddMinutes(1))], T0);
        Assert.Equal(AlarmStates.ClearedUnacknowledged, _book.State.Alarms["st-1.slot-fault.1.b1s1"].State);
    }

    [Fact]
    public void Assignment_and_comments_are_kept_with_who_made_them()
    {
        const string id = "st-1.over-temperature.1.b1s3";
        _book.Apply([Raise(id)], T0);
        _book.Assign(id, "tech-7", "alice", T0.AddMinutes(1));
        var alarm = _book.Comment(id, "tech-7", "fan replaced", T0.AddMinutes(30))!;

        Assert.Equal("tech-7", alarm.Assignee);
        Assert.Equal([("alice", "assigned to tech-7"), ("tech-7", "fan replaced")], alarm.Comments.Select(c => (c.Author, c.Text)));
        Assert.Null(_book.Comment("st-1.nothing.1.b1s1", "x", "y", T0));
    }

    [Fact]
    public void Listing_filters_and_pages_newest_first()
    {
        for (var i = 0; i < 5; i++)
        {
            _book.Apply([Raise($"st-1.over-temperature.{i}.b1s{i}", at: T0.AddMinutes(i))], T0);
        }

        _book.Apply([Raise("st-2.slot-fault.1.b1s1", AlertKinds.SlotFault, AlarmSeverities.Major, T0.AddMinutes(10), "st-2")], T0);
        _book.Acknowledge("st-1.over-temperature.4.b1s4", "a", null, T0);

        var first = _book.List(new AlarmQuery(null, AlertKinds.OverTemperature, null, null, null, null, null, 2));
        Assert.True(first.HasMore);
        Assert.Equal(["st-1.over-temperature.4.b1s4", "st-1.over-temperature.3.b1s3"], first.Items.Select(a => a.Id));
        var second = _book.List(new AlarmQuery(null, AlertKinds.OverTemperature, null, null, null, null, new AlarmCursor(first.Items[^1].RaisedAt, first.Items[^1].Id), 10));
        Assert.Equal(["st-1.over-temperature.2.b1s2", "st-1.over-temperature.1.b1s1", "st-1.over-temperature.0.b1s0"], second.Items.Select(a => a.Id));
        Assert.False(second.HasMore);

        Assert.Single(_book.List(new AlarmQuery(AlarmStates.ActiveAcknowledged, null, null, null, null, null, null, 10)).Items);
        Assert.Single(_book.List(new AlarmQuery(null, null, AlarmSeverities.Major, "st-2", null, null, null, 10)).Items);
        Assert.Equal(2, _book.List(new AlarmQuery(null, null, null, null, T0.AddMinutes(1), T0.AddMinutes(3), null, 10)).Items.Count);
    }

    [Fact]
    public void A_silent_station_raises_one_offline_alarm_per_silence_and_clears_when_it_reports_again()
    {
        var lastSeen = T0;
        var limit = _options.Rules.OfflineAfter;
        Assert.Empty(_book.CheckOffline([("st-9", lastSeen)], lastSeen + limit - TimeSpan.FromSeconds(1)));
        var raised = Assert.Single(_book.CheckOffline([("st-9", lastSeen)], lastSeen + limit));
        Assert.Equal((AlertKinds.Offline, lastSeen + limit), (raised.Alarm.Kind, raised.Alarm.RaisedAt));
        for (var i = 0; i < 10; i++)
        {
            Assert.Empty(_book.CheckOffline([("st-9", lastSeen)], lastSeen + limit + TimeSpan.FromMinutes(i)));
        }

        var back = lastSeen + TimeSpan.FromMinutes(20);
        var cleared = Assert.Single(_book.CheckOffline([("st-9", back)], back + TimeSpan.FromSeconds(1)));
        Assert.Equal((AlarmEvents.Cleared, (DateTimeOffset?)back), (cleared.Event, cleared.Alarm.ClearedAt));
    }

    [Fact]
    public void Each_event_is_queued_once_per_matching_webhook_with_its_idempotency_key()
    {
        _book.Apply([Raise("st-1.over-temperature.1.b1s3"), Raise("st-1.low-availability.station.b1s3", AlertKinds.LowAvailability, AlarmSeverities.Minor)], T0);
        _book.Apply([Raise("st-1.over-temperature.1.b1s3")], T0);

        Assert.Equal(
            [("st-1.over-temperature.1.b1s3:raised", 0), ("st-1.over-temperature.1.b1s3:raised", 1), ("st-1.low-availability.station.b1s3:raised", 0)],
            _book.State.Outbox.Select(n => (n.EventId, n.Webhook)));
    }

    [Fact]
    public void A_webhook_limited_to_some_kinds_gets_only_those()
    {
        _options.Webhooks[0].Kinds = [AlertKinds.SlotFault];
        _book.Apply([Raise("st-1.over-temperature.1.b1s3", severity: AlarmSeverities.Major), Raise("st-1.slot-fault.2.b1s3", AlertKinds.SlotFault, AlarmSeverities.Major)], T0);

        Assert.Equal([("st-1.slot-fault.2.b1s3:raised", 0)], _book.State.Outbox.Select(n => (n.EventId, n.Webhook)));
    }

    [Fact]
    public void An_alarm_nobody_acknowledged_is_escalated_once_to_the_webhooks_that_take_escalations()
    {
        _options.Webhooks.Add(new WebhookOptions { Url = "https://hooks.example/pager", Secret = "0123456789abcdef", Events = [AlarmEvents.Escalated] });
        const string taken = "st-1.over-temperature.1.b1s1", ignored = "st-2.over-temperature.1.b1s1", minor = "st-3.low-availability.station.b1s1";
        _book.Apply([Raise(taken), Raise(ignored, station: "st-2"), Raise(minor, AlertKinds.LowAvailability, AlarmSeverities.Minor, station: "st-3")], T0);
        _book.Acknowledge(taken, "alice", null, T0.AddMinutes(5));

        Assert.Empty(_book.Escalate(T0 + _options.EscalateAfter - TimeSpan.FromSeconds(1)));
        var escalated = Assert.Single(_book.Escalate(T0 + _options.EscalateAfter));
        Assert.Empty(_book.Escalate(T0 + _options.EscalateAfter + TimeSpan.FromMinutes(30)));

        Assert.Equal((ignored, AlarmEvents.Escalated), (escalated.Alarm.Id, escalated.Event));
        Assert.Equal(T0 + _options.EscalateAfter, _book.State.Alarms[ignored].EscalatedAt);
        // The pager hears only the escalation; the catch-all webhook hears every event, escalations included.
        Assert.Equal([$"{ignored}:escalated"], _book.State.Outbox.Where(n => n.Webhook == 2).Select(n => n.EventId));
        Assert.Contains(_book.State.Outbox, n => n.Webhook == 0 && n.EventId == $"{ignored}:escalated");
    }

    [Fact]
    public void Escalation_set_to_zero_escalates_nothing()
    {
        _options.EscalateAfter = TimeSpan.Zero;
        _book.Apply([Raise("st-1.over-temperature.1.b1s1")], T0);

        Assert.Empty(_book.Escalate(T0.AddDays(1)));
    }

    [Fact]
    public void A_webhook_naming_an_unknown_event_is_refused_at_startup()
    {
        var webhook = new WebhookOptions { Url = "https://hooks.example/x", Secret = "0123456789abcdef", Events = ["exploded"] };

        var error = Assert.Single(webhook.Validate(0, [.. AlertKinds.All]));

        Assert.Contains("Alarms:Webhooks:0:Events", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_delivery_backs_off_and_is_kept_as_failed_after_the_last_attempt()
    {
        _options.DeliveryAttempts = 3;
        _book.Apply([Raise("st-1.over-temperature.1.b1s3")], T0);
        var n = _book.State.Outbox[0];

        Assert.False(_book.Delivered(n, "HTTP 500", T0));
        Assert.Equal(T0 + _options.DeliveryBackoff, n.NextAttemptAt);
        Assert.DoesNotContain(n, _book.Due(T0.AddSeconds(1)));
        Assert.False(_book.Delivered(n, "HTTP 500", T0.AddSeconds(30)));
        Assert.Equal(T0.AddSeconds(30) + 2 * _options.DeliveryBackoff, n.NextAttemptAt);
        Assert.False(_book.Delivered(n, "HTTP 503", T0.AddSeconds(90)));

        var failed = Assert.Single(_book.Deliveries(), d => d.Failed);
        Assert.Equal((3, "HTTP 503"), (failed.Attempts, failed.LastError));
        Assert.True(_book.Delivered(_book.State.Outbox[0], null, T0));
        Assert.Single(_book.Deliveries());
    }

    [Fact]
    public void Finished_alarms_are_pruned_after_the_retention_and_past_the_shard_bound_but_open_ones_never()
    {
        _options.MaxClosedPerShard = 1;
        for (var i = 0; i < 3; i++)
        {
            var id = $"st-1.over-temperature.{i}.b1s{i}";
            _book.Apply([Raise(id), Clear(id, T0.AddMinutes(i))], T0);
            _book.Acknowledge(id, "a", null, T0);
        }

        _book.Apply([Raise("st-1.over-temperature.9.b1s9")], T0);
        Assert.True(_book.Prune(T0));
        Assert.Equal(["st-1.over-temperature.2.b1s2", "st-1.over-temperature.9.b1s9"], _book.State.Alarms.Keys.Order());
        Assert.True(_book.Prune(T0 + _options.Retention + TimeSpan.FromHours(1)));
        Assert.Equal(["st-1.over-temperature.9.b1s9"], _book.State.Alarms.Keys);
    }
}
