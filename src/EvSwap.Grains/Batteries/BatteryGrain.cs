using EvSwap.Contracts;
using EvSwap.Ledger;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

/// <summary>
/// One activation per battery. Applies what stations report once per event id, stores it before confirming (so a
/// station drops an event only once it is durable here), and keeps its index entry and fleet statistics current.
/// </summary>
public sealed class BatteryGrain : Grain, IBatteryGrain
{
    public const string StorageName = "batteries";

    /// <summary>The fleet median is asked again after this even when the battery's bin did not move: the fleet moves.</summary>
    private static readonly TimeSpan MedianRefresh = TimeSpan.FromHours(6);

    /// <summary>An unchanged index entry is pushed again after this, so an index shard that lost its write-behind heals.</summary>
    private static readonly TimeSpan IndexRefresh = TimeSpan.FromHours(6);

    /// <summary>How often a battery tries again to hand over alarm transitions its alarm shard did not accept.</summary>
    private static readonly TimeSpan AlarmRetry = TimeSpan.FromSeconds(30);

    private readonly IPersistentState<BatteryState> _state;
    private readonly BatteryOptions _options;
    private readonly BatteryModels _models;
    private readonly TimeProvider _time;
    private readonly BatteryMetrics _metrics;
    private readonly ILogger<BatteryGrain> _logger;
    private readonly int _indexShards;
    private readonly CancellationToken _stopping;
    private readonly AlarmTransitionSender _alarms;
    private BatterySummary? _pushed;

    /// <summary>The docking taken over from the index shard, until a push tells the shard it is stored here.</summary>
    private BatteryEvent? _adopted;
    private readonly Action _judgeAlarms;
    private IGrainTimer? _alarmRetry;
    private bool _unsaved;

    public BatteryGrain(
        [PersistentState("battery", StorageName)] IPersistentState<BatteryState> state,
        IOptions<BatteryOptions> options,
        IOptions<LedgerOptions> ledger,
        IOptions<BatteryIndexOptions> index,
        TimeProvider time,
        BatteryMetrics metrics,
        ILogger<BatteryGrain> logger,
        AlarmTransitionSender alarms,
        Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime)
    {
        _alarms = alarms;
        _judgeAlarms = () => BatteryAlarms.Evaluate(BatteryId, State, _alarms.Rules);
        _stopping = lifetime.ApplicationStopping;
        _state = state;
        _options = options.Value;
        _indexShards = index.Value.IndexShards;
        _models = new BatteryModels(ledger.Value);
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    private string BatteryId => this.GetPrimaryKeyString();
    private BatteryState State => _state.State;

    private IBatteryIndexShardGrain Shard => GrainFactory.GetGrain<IBatteryIndexShardGrain>(BatteryIds.ShardOf(BatteryId, _indexShards));

    /// <summary>A battery that was only docked has no state of its own yet: its docking waits in the index shard.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!State.Known && await Shard.DockingOf(BatteryId) is { } docking)
        {
            Adopt(docking);
        }
    }

    /// <returns>True when the docking was new here.</returns>
    private bool Adopt(BatteryEvent docking)
    {
        var applied = BatteryBook.Apply(State, [docking], _options, _judgeAlarms) > 0;
        _unsaved |= applied;
        _adopted = docking;
        if (applied)
        {
            _metrics.Adopted();
        }

        return applied;
    }

    public async Task Apply(IReadOnlyList<BatteryEvent> events)
    {
        _metrics.Called(events.Count);
        // Judged once per new reading and stored with it: a repeated event applies nothing and judges nothing.
        var applied = BatteryBook.Apply(State, events, _options, _judgeAlarms);
        _unsaved |= applied > 0;

        if (!_unsaved)
        {
            // Applied and stored before: a station handing them over again after a lost confirmation. That happens after
            // a crash, which may also have taken the index entry this battery pushed last (a new key is stored within a
            // second): the first repeat an activation sees pushes it again.
            _metrics.Repeated(events.Count);
            if (_pushed is null)
            {
                await PushIndexAsync();
            }

            return;
        }

        await RefreshFleetMedianAsync();
        try
        {
            await _state.WriteStateAsync();
            _unsaved = false;
            _metrics.Written();
        }
        catch
        {
            // Not confirmed, so the station hands the events over again; until a write succeeds, a repeat that finds
            // them applied in memory writes too instead of confirming what is not stored. A fresh activation reloads.
            DeactivateOnIdle();
            throw;
        }

        await PushIndexAsync();
        await SendAlarmsAsync();
    }

    public Task<BatteryView?> GetView()
    {
        if (!State.Known)
        {
            DeactivateOnIdle();
            return Task.FromResult<BatteryView?>(null);
        }

        return Task.FromResult<BatteryView?>(BatteryBook.ToView(BatteryId, State, _time.GetUtcNow(), _options));
    }

    public Task<BatteryHistoryPage> GetHistory(string? after, int limit) => Task.FromResult(BatteryBook.History(State, after, limit));

    public Task<BatteryPassport?> GetPassport()
    {
        if (!State.Known)
        {
            DeactivateOnIdle();
            return Task.FromResult<BatteryPassport?>(null);
        }

        return Task.FromResult<BatteryPassport?>(BatteryPassports.Of(BatteryId, State, _models, _time.GetUtcNow(), _options));
    }

    private async Task RefreshFleetMedianAsync()
    {
        if (State.Latest is not { SohPct: { } soh, Cycles: { } cycles })
        {
            return;
        }

        var bin = SohBin.Of(cycles, soh, _options.CyclesBucket);
        var now = _time.GetUtcNow();
        if (_stopping.IsCancellationRequested || (bin == State.Bin && now - State.FleetMedianAt < MedianRefresh))
        {
            return;
        }

        try
        {
            State.FleetMedianSoh = await GrainFactory.GetGrain<IBatteryFleetStatsGrain>(0).Move(State.Bin, bin);
            State.Bin = bin;
            State.FleetMedianAt = now;
            BatteryBook.EvaluateFade(State, _options);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The comparison waits for the next reading; custody and health do not wait for statistics.
            _logger.LogWarning(ex, "Battery {BatteryId}: fleet statistics unreachable; the fade comparison is retried with the next reading.", BatteryId);
        }
    }

    private async Task PushIndexAsync()
    {
        var now = _time.GetUtcNow();
        var summary = BatteryBook.ToSummary(BatteryId, State, now);
        if (_adopted is null && _pushed is { } last && now - last.Updated < IndexRefresh && SameEntry(last, summary))
        {
            return;
        }

        if (_stopping.IsCancellationRequested)
        {
            // The silo stops and its index shards with it; the entry is pushed with the battery's next event.
            return;
        }

        try
        {
            var (held, write) = await Shard.Upsert(summary, _adopted);
            if (write > 0)
            {
                await Shard.Stored(write);
            }

            _pushed = summary;
            _adopted = null;
            if (held is not null)
            {
                // Docked in the index while this grain had state of its own (its entry had not reached the shard yet), or
                // stored here already when the shard lost the news in a crash: settled either way once stored.
                if (Adopt(held))
                {
                    await _state.WriteStateAsync();
                    _unsaved = false;
                    _metrics.Written();
                }

                summary = BatteryBook.ToSummary(BatteryId, State, _time.GetUtcNow());
                await Shard.Upsert(summary, held);
                _pushed = summary;
                _adopted = null;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Battery {BatteryId}: its index entry was not pushed; it is pushed with the next event.", BatteryId);
        }
    }

    /// <summary>
    /// Hands queued alarm transitions to their shards. They are stored with the events that raised them, so a failure
    /// only delays them: a timer keeps trying (and keeps the battery active) until they are accepted.
    /// </summary>
    private async Task SendAlarmsAsync()
    {
        if (State.Alarms is not { Outbox.Count: > 0 } rules || _stopping.IsCancellationRequested)
        {
            return;
        }

        await _alarms.SendAsync($"Battery {BatteryId}", rules);
        if (rules.Outbox.Count == 0)
        {
            _alarmRetry?.Dispose();
            _alarmRetry = null;
        }
        else
        {
            _alarmRetry ??= this.RegisterGrainTimer(SendAlarmsAsync, new GrainTimerCreationOptions(AlarmRetry, AlarmRetry) { KeepAlive = true });
        }
    }

    private static bool SameEntry(BatterySummary a, BatterySummary b) =>
        a.Custody == b.Custody && a.SohPct == b.SohPct && a.Anomalies.SequenceEqual(b.Anomalies);
}
