using EvSwap.Orleans.DynamoDB;

namespace EvSwap.Bridge.DynamoDB;

/// <summary>Options of the DynamoDB client id lease store; binds from the <c>DynamoDB</c> section like the Orleans providers.</summary>
public sealed class DynamoDBClientIdLeaseOptions : DynamoDBConnectionOptions
{
    /// <summary>One item per client id slot: hash key <c>Pool</c> (the client id prefix), range key <c>Slot</c>.</summary>
    public string ClientIdLeaseTableName { get; set; } = "EvSwapClientIdLeases";

    internal IEnumerable<string> Validate(string section = "DynamoDB") =>
        ValidateConnection(section).Concat(ValidateTableName(section, nameof(ClientIdLeaseTableName), ClientIdLeaseTableName));
}
