using System.ComponentModel.DataAnnotations;

namespace EvSwap.Silo;

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
