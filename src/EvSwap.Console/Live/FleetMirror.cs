using System.Collections.Concurrent;
using EvSwap.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Console;

/// <summary>
/// This silo's copy of the fleet index, for the console: every shard's summaries, taken once when the silo starts and then
/// kept current by the shards themselves, which push what changed (<see cref="IFleetWatcher"/>). Pages read this copy and
/// are told when it changes; no page asks a station or a shard anything while it is open.
/// </summary>
public sealed class FleetMirror(IGrainFactory grains, IOptions<FleetOptions> fleet, ILogger<FleetMirror> logger) : BackgroundService, IFleetWatcher
{
    /// <summary>Well inside the shards' watcher expiry, so a shard that was re-activated elsewhere gets the watcher back soon.</summary>
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, StationSummary> _stations = new(StringComparer.Ordinal);
    private IFleetWatcher? _reference;
    private long _version;
    private const int MaxDerived = 256;
    private readonly ConcurrentDictionary<string, Derivation> _derived = new(StringComparer.Ordinal);

    /// <summary>
    /// How long a derivation serves every page whatever changed since: no longer than a page waits after a change before
    /// it refreshes (<see cref="Components.FleetPageBase.RefreshDelay"/>), so the refresh a change scheduled always sees
    /// that change. A busy fleet changes many times a second (each shard pushes every 250 ms); without it each open
    /// page's refresh found a new version and derived the whole fleet again for itself.
    /// </summary>
    public static readonly TimeSpan SharedFor = Components.FleetPageBase.RefreshDelay;

    private sealed record Derivation(long Version, DateTimeOffset At, object? Value);

    /// <summary>Raised (on a thread-pool thread) after summaries changed; handlers must not block.</summary>
    public event Action? Changed;

    /// <summary>Grows with every change; a page compares it to skip a render when nothing changed.</summary>
    public long Version => Interlocked.Read(ref _version);

    public bool Loaded { get; private set; }

    public IReadOnlyCollection<StationSummary> Stations => (IReadOnlyCollection<StationSummary>)_stations.Values;

    public StationSummary? Find(string stationId) => _stations.GetValueOrDefault(stationId);

    /// <summary>
    /// What <paramref name="compute"/> derives from the fleet as of <paramref name="now"/>, computed at most once per
    /// <see cref="SharedFor"/>, and otherwise once per change and second, however many pages ask: every open fleet page
    /// used to walk and sort all stations on each refresh, so ten open pages cost the silo more than its ingest while
    /// the fleet was busy.
    /// </summary>
    /// <param name="key">Names the derivation and every parameter it depends on.</param>
    public T Derive<T>(string key, DateTimeOffset now, Func<IReadOnlyCollection<StationSummary>, T> compute)
    {
        var version = Version;
        if (_derived.TryGetValue(key, out var cached)
            && ((cached.Version == version && cached.At.ToUnixTimeSeconds() == now.ToUnixTimeSeconds()) || (now >= cached.At && now - cached.At < SharedFor)))
        {
            return (T)cached.Value!;
        }

        var value = compute(Stations);
        if (_derived.Count >= MaxDerived)
        {
            // Keys carry searches operators type; forget them all rather than grow without bound.
            _derived.Clear();
        }

        _derived[key] = new Derivation(version, now, value);
        return value;
    }

    public Task SummariesChanged(int shard, IReadOnlyList<StationSummary> summaries)
    {
        Apply(summaries);
        return Task.CompletedTask;
    }

    /// <summary>Keeps the newest summary of each station (pushes and snapshots may cross).</summary>
    internal void Apply(IEnumerable<StationSummary> summaries)
    {
        var changed = false;
        foreach (var s in summaries)
        {
            var result = _stations.AddOrUpdate(s.StationId, s, (_, existing) => existing.LastSeen <= s.LastSeen ? s : existing);
            changed |= ReferenceEquals(result, s);
        }

        if (changed)
        {
            Interlocked.Increment(ref _version);
            Changed?.Invoke();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _reference = grains.CreateObjectReference<IFleetWatcher>(this);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var snapshots = await Task.WhenAll(Enumerable.Range(0, fleet.Value.Shards)
                    .Select(shard => grains.GetGrain<IFleetIndexShardGrain>(shard).Watch(_reference)));
                Apply(snapshots.SelectMany(s => s));
                Loaded = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Console: could not watch the fleet index; retrying in {Interval}.", RenewInterval);
            }

            await Task.Delay(RenewInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_reference is not null)
        {
            try
            {
                grains.DeleteObjectReference<IFleetWatcher>(_reference);
            }
            catch (ArgumentException)
            {
                // Orleans stopped first and released every object reference of this silo already.
            }
        }
    }
}
