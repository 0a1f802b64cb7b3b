using System.ComponentModel.DataAnnotations;
using System.Net;

namespace EvSwap.Silo;

public sealed class OrleansHostOptions : IValidatableObject
{
    public const string Section = "Orleans";

    public string ClusterId { get; set; } = "local";
    public string ServiceId { get; set; } = "evswap";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos reach this one at: loopback when unset (one machine), an IP, or <c>auto</c> for the
    /// task's own address (from the ECS task metadata endpoint on Fargate, else the first non-loopback IPv4).
    /// </summary>
    public string? AdvertisedIp { get; set; }

    private IPAddress? _resolved;

    public IPAddress AdvertisedAddress => _resolved ??= string.IsNullOrWhiteSpace(AdvertisedIp) ? IPAddress.Loopback
        : string.Equals(AdvertisedIp, "auto", StringComparison.OrdinalIgnoreCase) ? TaskAddress.Discover()
        : IPAddress.Parse(AdvertisedIp);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            yield return new("Orleans:ClusterId must be set (for example 'local' or 'prod').");
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            yield return new("Orleans:ServiceId must be set (for example 'evswap'); it is part of every storage key.");
        }

        if (SiloPort is < 1 or > 65535 || GatewayPort is < 1 or > 65535 || SiloPort == GatewayPort)
        {
            yield return new($"Orleans:SiloPort ({SiloPort}) and Orleans:GatewayPort ({GatewayPort}) must be two different ports from 1-65535.");
        }

        if (!string.IsNullOrWhiteSpace(AdvertisedIp) && !IPAddress.TryParse(AdvertisedIp, out _) && !string.Equals(AdvertisedIp, "auto", StringComparison.OrdinalIgnoreCase))
        {
            yield return new($"Orleans:AdvertisedIp '{AdvertisedIp}' is neither an IP address nor 'auto'.");
        }
    }
}
