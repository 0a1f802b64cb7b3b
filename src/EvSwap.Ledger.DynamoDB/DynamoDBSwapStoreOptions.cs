using EvSwap.Orleans.DynamoDB;

namespace EvSwap.Ledger.DynamoDB;

/// <summary>Options of the DynamoDB swap store; binds from the <c>DynamoDB</c> section like the other DynamoDB stores.</summary>
public sealed class DynamoDBSwapStoreOptions : DynamoDBConnectionOptions
{
    /// <summary>Hash key <c>pk</c> (station id), range key <c>sk</c> (time|id); indexes <c>by-day</c>, <c>by-battery-in</c>, <c>by-battery-out</c>.</summary>
    public string SwapTableName { get; set; } = "EvSwapSwaps";

    internal IEnumerable<string> Validate(string section = "DynamoDB") =>
        ValidateConnection(section).Concat(ValidateTableName(section, nameof(SwapTableName), SwapTableName));
}
