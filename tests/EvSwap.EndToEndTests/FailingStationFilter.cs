using EvSwap.Contracts;
using Orleans;

namespace EvSwap.EndToEndTests;

/// <summary>Makes one station's grain refuse every message until <see cref="Recover"/>, as a grain whose backend keeps failing would.</summary>
public sealed class FailingStationFilter(string stationId) : IIncomingGrainCallFilter
{
    private volatile bool _recovered;
    private int _failed;

    public int Failed => Volatile.Read(ref _failed);

    public void Recover() => _recovered = true;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (!_recovered && context.MethodName == nameof(IStationGrain.Ingest) && context.TargetId.Key.ToString() == stationId)
        {
            Interlocked.Increment(ref _failed);
            throw new InvalidOperationException($"test: station {stationId}'s grain is failing");
        }

        return context.Invoke();
    }
}
