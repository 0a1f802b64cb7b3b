using EvSwap.Contracts;

namespace EvSwap.Grains;

public sealed class ClientRateGrain(TimeProvider time) : Grain, IClientRateGrain
{
    private double _tokens = double.NaN;
    private DateTimeOffset _filledAt;

    public Task<int> Take(int wanted, int perSecond, int burst)
    {
        var now = time.GetUtcNow();
        _tokens = double.IsNaN(_tokens) ? burst : Math.Min(burst, _tokens + Math.Max(0, (now - _filledAt).TotalSeconds) * perSecond);
        _filledAt = now;
        var granted = (int)Math.Min(Math.Max(0, wanted), Math.Floor(_tokens));
        _tokens -= granted;
        return Task.FromResult(granted);
    }
}
