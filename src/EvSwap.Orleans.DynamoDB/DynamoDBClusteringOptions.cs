namespace EvSwap.Orleans.DynamoDB;

/// <summary>Options of the membership table and the gateway list provider.</summary>
public sealed class DynamoDBClusteringOptions : DynamoDBConnectionOptions
{
    /// <summary>The membership table: one item per service and cluster id.</summary>
    public string MembershipTableName { get; set; } = "EvSwapMembership";

    internal IEnumerable<string> Validate(string section = "DynamoDB") =>
        ValidateConnection(section).Concat(ValidateTableName(section, nameof(MembershipTableName), MembershipTableName));
}
