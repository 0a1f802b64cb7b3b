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

/// <summary>Which backend each part uses. Unknown names fail at startup rather than falling back silently.</summary>
public sealed class BackendOptions : IValidatableObject
{
    public static readonly string[] ClusteringProviders = ["Localhost", "DynamoDB"];
    public static readonly string[] GrainStorageProviders = ["Memory", "DynamoDB"];
    public static readonly string[] AuthModes = ["None", "Jwt"];

    public string Clustering { get; set; } = "Localhost";
    public string GrainStorage { get; set; } = "Memory";
    public string Auth { get; set; } = "None";

    public bool IsLocalhostClustering => Clustering.Equals("Localhost", StringComparison.OrdinalIgnoreCase);
    public bool IsMemoryStorage => GrainStorage.Equals("Memory", StringComparison.OrdinalIgnoreCase);
    public bool IsJwt => Auth.Equals("Jwt", StringComparison.OrdinalIgnoreCase);

    /// <summary>The provider keys of three sections (<c>Clustering</c>, <c>GrainStorage</c>, <c>Auth</c>) read together.</summary>
    public static BackendOptions From(IConfiguration config) => new()
    {
        Clustering = config["Clustering:Provider"] ?? "Localhost",
        GrainStorage = config["GrainStorage:Provider"] ?? "Memory",
        Auth = config["Auth:Mode"] ?? "None",
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ClusteringProviders.Contains(Clustering, StringComparer.OrdinalIgnoreCase))
        {
            yield return new($"Clustering:Provider '{Clustering}' is unknown; use one of: {string.Join(", ", ClusteringProviders)}.");
        }

        if (!GrainStorageProviders.Contains(GrainStorage, StringComparer.OrdinalIgnoreCase))
        {
            yield return new($"GrainStorage:Provider '{GrainStorage}' is unknown; use one of: {string.Join(", ", GrainStorageProviders)}.");
        }

        if (!AuthModes.Contains(Auth, StringComparer.OrdinalIgnoreCase))
        {
            yield return new($"Auth:Mode '{Auth}' is unknown; use one of: {string.Join(", ", AuthModes)}.");
        }
    }
}
