using System.ComponentModel.DataAnnotations;

namespace EvSwap.Silo;

/// <summary>
/// The Orleans dashboard served by the silo. The same <c>Dashboard</c> section also sets the dashboard's own options
/// (<c>HideTrace</c>, <c>CounterUpdateIntervalMs</c>, <c>HistoryLength</c>).
/// </summary>
public sealed class EvSwapDashboardOptions : IValidatableObject
{
    public const string Section = "Dashboard";

    private static readonly string[] Reserved = ["/stations", "/alerts", "/health", "/metrics", "/openapi", "/swagger"];

    /// <summary>
    /// Off unless asked for: the dashboard times every grain call, which on the ingest path measured 12,500 against
    /// 7,500 msg/s sustained (docs/benchmarks.md). Turn it on to look, not to run a busy silo.
    /// </summary>
    public bool Enabled { get; set; }

    public string Path { get; set; } = "/dashboard";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Path) || !Path.StartsWith('/') || Path.Length < 2 || Path.EndsWith('/'))
        {
            yield return new($"Dashboard:Path '{Path}' must be a path such as /dashboard: a leading '/', no trailing one.");
        }
        else if (Reserved.Any(r => new PathString(Path).StartsWithSegments(r, StringComparison.OrdinalIgnoreCase) || new PathString(r).StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase)))
        {
            yield return new($"Dashboard:Path '{Path}' overlaps an API path ({string.Join(", ", Reserved)}); choose another, for example /dashboard.");
        }
    }
}
