using EvSwap.Contracts;
using Microsoft.Extensions.Options;

namespace EvSwap.Grains;

[GenerateSerializer]
public sealed class BatteryFleetStatsState
{
    /// <summary>Per cycles bucket, the count of batteries in each half-percent state-of-health bin (201 bins: 0-100 %).</summary>
    [Id(0)] public Dictionary<int, int[]> Buckets { get; set; } = [];
}

/// <summary>
/// The fleet's state of health per cycles bucket. Its size depends on the number of buckets (cycles range / bucket size),
/// never on the number of batteries: 201 counters per bucket. A battery moves its one count when its bin changes.
/// </summary>
public sealed class BatteryFleetStatsGrain : Grain, IBatteryFleetStatsGrain
{
    private static readonly TimeSpan PersistInterval = TimeSpan.FromSeconds(30);
    private const int Bins = (int)(100 / SohBin.BinWidthPct) + 1;

    private readonly WriteBehindState<BatteryFleetStatsState> _state;
    private readonly BatteryOptions _options;

    public BatteryFleetStatsGrain(
        [PersistentState("battery-fleet-stats", BatteryGrain.StorageName)] IPersistentState<BatteryFleetStatsState> state,
        IOptions<BatteryOptions> options)
    {
        _state = new WriteBehindState<BatteryFleetStatsState>(state, PersistInterval);
        _options = options.Value;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _state.Start(this);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _state.FlushAsync(cancellationToken);

    public Task<double?> Move(SohBin? from, SohBin to)
    {
        if (from is { } old && _state.State.Buckets.TryGetValue(old.CyclesBucket, out var oldCounts) && oldCounts[old.Bin] > 0)
        {
            oldCounts[old.Bin]--;
        }

        if (!_state.State.Buckets.TryGetValue(to.CyclesBucket, out var counts))
        {
            counts = new int[Bins];
            _state.State.Buckets[to.CyclesBucket] = counts;
        }

        counts[to.Bin]++;
        _state.Changed();
        return Task.FromResult(Median(counts, _options.MinBucketBatteries));
    }

    /// <summary>The centre of the bin holding the middle battery; null below <paramref name="minimum"/> batteries.</summary>
    public static double? Median(int[] counts, int minimum)
    {
        var total = counts.Sum();
        if (total < minimum)
        {
            return null;
        }

        var half = (total + 1) / 2;
        var seen = 0;
        for (var bin = 0; bin < counts.Length; bin++)
        {
            seen += counts[bin];
            if (seen >= half)
            {
                return SohBin.Center(bin);
            }
        }

        return null;
    }
}
