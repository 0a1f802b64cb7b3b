using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// Held in memory and kept active an hour after each call: long enough for every survivor to learn the outcome. A
/// claim granted again after that finds the log removed.
/// </summary>
public sealed class IngestLogClaimGrain : Grain, IIngestLogClaimGrain
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromHours(1);

    private string? _claimant;
    private bool? _crashed;

    public Task<LogClaim> Claim(string claimant, IReadOnlyList<string> liveSilos)
    {
        DelayDeactivation(KeepFor);
        if (_crashed is { } crashed)
        {
            return Task.FromResult(new LogClaim(LogClaimState.Done, crashed));
        }

        if (_claimant is null || _claimant == claimant || !liveSilos.Contains(_claimant, StringComparer.Ordinal))
        {
            _claimant = claimant;
            return Task.FromResult(new LogClaim(LogClaimState.Granted));
        }

        return Task.FromResult(new LogClaim(LogClaimState.Held));
    }

    public Task Release(string claimant)
    {
        if (_claimant == claimant)
        {
            _claimant = null;
        }

        return Task.CompletedTask;
    }

    public Task Complete(string claimant, bool crashed)
    {
        if (_claimant == claimant)
        {
            _crashed = crashed;
        }

        return Task.CompletedTask;
    }
}
