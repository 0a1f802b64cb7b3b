using EvSwap.Contracts;

namespace EvSwap.Grains;

public sealed class CostShareGrain(TimeProvider time) : Grain, ICostShareGrain
{
    /// <summary>A silo that has not reported for this long has stopped; its share no longer counts towards the rate.</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, CostShare> _shares = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<CostShare>> Report(CostShare share)
    {
        // Stamped by the grain's clock, so a silo with a skewed clock is judged fresh or stale like the others.
        _shares[share.Silo] = share with { ReportedAt = time.GetUtcNow() };
        return Shares();
    }

    public Task<IReadOnlyList<CostShare>> Shares()
    {
        var now = time.GetUtcNow();
        foreach (var stale in _shares.Values.Where(s => now - s.ReportedAt > Stale).Select(s => s.Silo).ToList())
        {
            _shares.Remove(stale);
        }

        return Task.FromResult<IReadOnlyList<CostShare>>([.. _shares.Values.OrderBy(s => s.Silo, StringComparer.Ordinal)]);
    }
}
