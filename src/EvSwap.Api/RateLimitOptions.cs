using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;

namespace EvSwap.Api;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary>Sustained requests per second per client (token, else remote address), across all silos of the cluster.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimit:PermitsPerSecond must be at least 1.")]
    public int PermitsPerSecond { get; set; } = 1000;

    /// <summary>Requests a client may make at once above the sustained rate.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimit:Burst must be at least 1.")]
    public int Burst { get; set; } = 2000;
}
