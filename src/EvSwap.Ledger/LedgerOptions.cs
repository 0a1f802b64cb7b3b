using System.ComponentModel.DataAnnotations;

namespace EvSwap.Ledger;

/// <summary>The <c>Ledger</c> configuration section: where swap records go and how they are written.</summary>
public sealed class LedgerOptions : IValidatableObject
{
    public const string Section = "Ledger";

    /// <summary><c>Sqlite</c> (a file in the data directory, the local default) or <c>DynamoDB</c>.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>The SQLite ledger file (relative paths are relative to the working directory, like <c>Archive:Path</c>).</summary>
    public string Path { get; set; } = "data/ledger/swaps.db";

    /// <summary>Records written per store request at most (DynamoDB's BatchWriteItem takes 25).</summary>
    public int BatchSize { get; set; } = 25;

    /// <summary>How long the writer waits for more records before writing a batch that is not full.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Silo-wide bound on records waiting for the store; past it a message with a swap is refused (not acknowledged) and redelivered later.</summary>
    public int MaxQueuedRecords { get; set; } = 100_000;

    /// <summary>Per station bound on swaps held in its state until the store confirms them (they are persisted with the state).</summary>
    public int MaxPendingPerStation { get; set; } = 500;

    /// <summary>Longest wait between retries of a failed store write (exponential backoff with jitter up to this).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Capacity of a battery that matches no model.</summary>
    public double DefaultCapacityKwh { get; set; } = 1.6;

    public List<BatteryModel> BatteryModels { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) && !Provider.Equals("DynamoDB", StringComparison.OrdinalIgnoreCase))
        {
            yield return new($"Ledger:Provider must be Sqlite or DynamoDB (is '{Provider}').");
        }

        if (Provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(Path))
        {
            yield return new("Ledger:Path must name the SQLite ledger file, for example data/ledger/swaps.db.");
        }

        if (BatchSize is < 1 or > 25)
        {
            yield return new($"Ledger:BatchSize must be 1-25, DynamoDB's batch write limit (is {BatchSize}).");
        }

        if (Linger < TimeSpan.Zero || Linger > TimeSpan.FromSeconds(10))
        {
            yield return new($"Ledger:Linger must be 0-10 s, for example 00:00:00.250 (is {Linger}).");
        }

        if (MaxQueuedRecords < BatchSize)
        {
            yield return new($"Ledger:MaxQueuedRecords ({MaxQueuedRecords}) must be at least Ledger:BatchSize ({BatchSize}).");
        }

        if (MaxPendingPerStation < 1)
        {
            yield return new($"Ledger:MaxPendingPerStation must be at least 1, for example 500 (is {MaxPendingPerStation}).");
        }

        if (RetryMaxDelay <= TimeSpan.Zero)
        {
            yield return new($"Ledger:RetryMaxDelay must be positive, for example 00:00:30 (is {RetryMaxDelay}).");
        }

        if (DefaultCapacityKwh is <= 0 or > 1000)
        {
            yield return new($"Ledger:DefaultCapacityKwh must be above 0 and at most 1000 kWh (is {DefaultCapacityKwh}).");
        }

        for (var i = 0; i < BatteryModels.Count; i++)
        {
            var m = BatteryModels[i];
            if (string.IsNullOrEmpty(m.IdPrefix) || m.CapacityKwh is <= 0 or > 1000)
            {
                yield return new($"Ledger:BatteryModels:{i} ('{m.Name}') needs an IdPrefix and a CapacityKwh above 0 and at most 1000 (is '{m.IdPrefix}', {m.CapacityKwh}).");
            }
        }
    }
}
