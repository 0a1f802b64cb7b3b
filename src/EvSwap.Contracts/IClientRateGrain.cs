namespace EvSwap.Contracts;

/// <summary>
/// One API client's request budget for the whole cluster: a token bucket that every silo draws from in small chunks, so
/// a client spreading its requests over many silos (a load balancer does) gets the configured rate once, not once per
/// silo. Held in memory: a move to another silo starts the client with a full burst.
/// </summary>
public interface IClientRateGrain : IGrainWithStringKey
{
    /// <summary>Takes up to <paramref name="wanted"/> permits from a bucket of <paramref name="burst"/> filled at <paramref name="perSecond"/>.</summary>
    /// <returns>The permits granted, 0 when the bucket is empty.</returns>
    Task<int> Take(int wanted, int perSecond, int burst);
}
