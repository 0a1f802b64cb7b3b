using EvSwap.Contracts;

namespace EvSwap.Grains;

public sealed class ArchiveHorizonGrain(TimeProvider time) : Grain, IArchiveHorizonGrain
{
    private readonly Dictionary<string, SiloHorizon> _reports = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<SiloHorizon>> Report(string silo, DateTimeOffset horizon)
    {
        var now = time.GetUtcNow();
        _reports[silo] = new SiloHorizon(silo, horizon, now);

        // Silos that stopped reporting a long time ago are gone; the callers ignore them anyway.
        foreach (var stale in _reports.Values.Where(r => now - r.ReportedAt > TimeSpan.FromHours(1)).Select(r => r.Silo).ToList())
        {
            _reports.Remove(stale);
        }

        return Task.FromResult<IReadOnlyList<SiloHorizon>>([.. _reports.Values]);
    }
}
