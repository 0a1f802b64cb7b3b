using EvSwap.Contracts;

namespace EvSwap.Archive;

/// <summary>
/// Buckets of <see cref="SeriesStats"/> per (metric, slot) at a fixed step, aligned to the Unix epoch so that buckets of
/// a coarser step that is a multiple of a finer one are exact unions of the finer buckets.
/// </summary>
public sealed class SeriesAccumulator(long stepSeconds, Func<string, int, bool>? include = null)
{
    private readonly Dictionary<(string Metric, int Slot, long Start), SeriesStats> _buckets = [];

    public long StepSeconds => stepSeconds;

    public IReadOnlyDictionary<(string Metric, int Slot, long Start), SeriesStats> Buckets => _buckets;

    public long BucketStart(long unixSeconds) => unixSeconds - (((unixSeconds % stepSeconds) + stepSeconds) % stepSeconds);

    public void Add(TelemetryMessage message)
    {
        var tsMs = message.Ts.ToUnixTimeMilliseconds();
        var start = BucketStart(message.Ts.ToUnixTimeSeconds());
        foreach (var (metric, slot, value) in SeriesMetrics.Points(message))
        {
            if (include is null || include(metric, slot))
            {
                ref var stats = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_buckets, (metric, slot, start), out _);
                stats.Add(value, tsMs, message.Boot, message.Seq);
            }
        }
    }

    /// <summary>Adds stats kept at a finer step; the caller makes sure this step is a multiple of it.</summary>
    public void Merge(string metric, int slot, long start, in SeriesStats stats)
    {
        if (include is null || include(metric, slot))
        {
            ref var target = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_buckets, (metric, slot, BucketStart(start)), out _);
            target.Merge(stats);
        }
    }
}
