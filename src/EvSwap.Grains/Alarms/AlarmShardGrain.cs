using EvSwap.Contracts;
using EvSwap.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>
/// One shard of the fleet's alarms (the stations of fleet index shard N). Every change is written before the call
/// returns, with the notifications it causes, so an acknowledgement is never lost and a notification is sent at
/// least once. Webhook deliveries run on an interleaved timer, so a slow receiver does not hold up the shard.
/// </summary>
public sealed class AlarmShardGrain : Grain, IAlarmShardGrain
{
    public const string StorageName = "alarms";

    private readonly IPersistentState<AlarmShardState> _state;
    private readonly AlarmOptions _options;
    private readonly FleetOptions _fleet;
    private readonly TimeProvider _time;
    private readonly AlarmMetrics _metrics;
    private readonly WebhookSender _sender;
    private readonly ILogger<AlarmShardGrain> _logger;

    // Interleaved turns (stations' transitions, the delivery timer, queries) share the state; each write is the whole
    // shard, so the transitions that arrive during one write share the next.
    private readonly GroupCommit _commit;
    private AlarmBook _book = null!;

    public AlarmShardGrain(
        [PersistentState("alarm-shard", StorageName)] IPersistentState<AlarmShardState> state,
        IOptions<AlarmOptions> options,
        IOptions<FleetOptions> fleet,
        TimeProvider time,
        AlarmMetrics metrics,
        WebhookSender sender,
        ILogger<AlarmShardGrain> logger)
    {
        _state = state;
        _commit = new GroupCommit(() => _state.WriteStateAsync());
        _options = options.Value;
        _fleet = fleet.Value;
        _time = time;
        _metrics = metrics;
        _sender = sender;
        _logger = logger;
    }

    private long Shard => this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _book = new AlarmBook(_state.State, _options);
        ReportOpen();
        this.RegisterGrainTimer(DeliverAsync, new GrainTimerCreationOptions(_options.DeliveryInterval, _options.DeliveryInterval) { Interleave = true, KeepAlive = false });
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _metrics.ShardOpen(Shard, []);
        return Task.CompletedTask;
    }

    public Task Apply(IReadOnlyList<AlarmTransition> transitions) => SaveAsync(_book.Apply(transitions, _time.GetUtcNow()));

    public Task<AlarmPage> List(AlarmQuery query) => Task.FromResult(_book.List(query));

    public Task<Alarm?> Get(string alarmId) => Task.FromResult(_state.State.Alarms.GetValueOrDefault(alarmId));

    public async Task<Alarm?> Acknowledge(string alarmId, string by, string? comment)
    {
        var (alarm, change) = _book.Acknowledge(alarmId, by, comment, _time.GetUtcNow());
        if (alarm is not null)
        {
            await SaveAsync(change is { } c ? [c] : [], force: true);
        }

        return alarm;
    }

    public async Task<Alarm?> Assign(string alarmId, string? assignee, string by)
    {
        var alarm = _book.Assign(alarmId, assignee, by, _time.GetUtcNow());
        if (alarm is not null)
        {
            await SaveAsync([], force: true);
        }

        return alarm;
    }

    public async Task<Alarm?> Comment(string alarmId, string author, string text)
    {
        var alarm = _book.Comment(alarmId, author, text, _time.GetUtcNow());
        if (alarm is not null)
        {
            await SaveAsync([], force: true);
        }

        return alarm;
    }

    public Task<IReadOnlyList<AlarmDelivery>> GetDeliveries() => Task.FromResult(_book.Deliveries());

    public async Task Sweep()
    {
        var now = _time.GetUtcNow();
        var changes = new List<AlarmChange>();
        if (Shard < _fleet.Shards)
        {
            changes.AddRange(_book.CheckOffline(await ReadLastSeenAsync(), now));
        }

        changes.AddRange(_book.Escalate(now));
        var pruned = _book.Prune(now);
        await SaveAsync(changes, force: pruned);
    }

    /// <summary>Every station of the matching fleet index shard with its last message time: the index, not the stations, so idle grains stay idle.</summary>
    private async Task<List<(string, DateTimeOffset)>> ReadLastSeenAsync()
    {
        var index = GrainFactory.GetGrain<IFleetIndexShardGrain>(Shard);
        var result = new List<(string, DateTimeOffset)>();
        string? after = null;
        while (true)
        {
            var page = await index.List(new FleetQuery(null, after, 1000));
            result.AddRange(page.Items.Select(i => (i.StationId, i.LastSeen)));
            if (!page.HasMore || page.Items.Count == 0)
            {
                return result;
            }

            after = page.Items[^1].StationId;
        }
    }

    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        var due = _book.Due(_time.GetUtcNow());
        if (due.Count == 0)
        {
            return;
        }

        foreach (var notification in due)
        {
            string? error;
            if (notification.Webhook >= _options.Webhooks.Count || !_state.State.Alarms.TryGetValue(notification.AlarmId, out var alarm))
            {
                // The webhook was removed from the configuration, or the alarm aged out: nothing left to send.
                error = "webhook or alarm no longer configured";
            }
            else
            {
                var body = new WebhookEvent(notification.EventId, notification.Event, alarm.Id, alarm.StationId, notification.CreatedAt, alarm);
                error = await _sender.SendAsync(_options.Webhooks[notification.Webhook], body, cancellationToken);
            }

            var delivered = _book.Delivered(notification, error, _time.GetUtcNow());
            var outcome = delivered ? "delivered" : _state.State.Outbox.Contains(notification) ? "retrying" : "failed";
            _metrics.Delivery(outcome);
            if (!delivered)
            {
                _logger.LogWarning("Alarm webhook {Webhook}: {EventId} not delivered ({Error}); {Outcome}.", notification.Webhook, notification.EventId, error, outcome);
            }
        }

        await SaveAsync([], force: true);
    }

    private async Task SaveAsync(List<AlarmChange> changes, bool force = false)
    {
        if (changes.Count == 0 && !force)
        {
            return;
        }

        try
        {
            if (await _commit.StoreAsync())
            {
                _metrics.Written(Shard);
            }
        }
        catch
        {
            // Memory is ahead of storage now; reload, so the caller's retry finds the change missing and makes it again.
            DeactivateOnIdle();
            throw;
        }

        // Counted once written: a failed write throws to the caller, which sends the same transitions again.
        foreach (var change in changes)
        {
            _metrics.Changed(change);
        }

        ReportOpen();
    }

    private void ReportOpen() => _metrics.ShardOpen(Shard, [.. _state.State.Alarms.Values.Where(a => a.ClearedAt is null)]);
}
