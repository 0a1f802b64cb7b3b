using Orleans.Storage;

namespace EvSwap.Orleans.DynamoDB;

/// <summary>Options of one named DynamoDB grain storage provider.</summary>
public sealed class DynamoDBGrainStorageOptions : DynamoDBConnectionOptions, IStorageProviderSerializerOptions
{
    /// <summary>The grain state table: one item per (service id, state name, grain id).</summary>
    public string GrainStateTableName { get; set; } = "EvSwapGrainState";

    /// <summary>
    /// <c>true</c>: ClearStateAsync deletes the item. <c>false</c> (default): it writes a tombstone that keeps the
    /// ETag, so a writer still holding the pre-clear ETag is rejected instead of silently re-creating the state.
    /// </summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>Serialized states larger than this are gzip-compressed before they are written.</summary>
    public int CompressionThresholdBytes { get; set; } = 8 * 1024;

    /// <summary>
    /// How grain state becomes bytes. Left null, the Orleans binary serializer is used (see docs/dynamodb.md for
    /// why); the interface Orleans defines for this property is not nullable, hence the <c>null!</c>.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    internal IEnumerable<string> Validate(string section = "DynamoDB")
    {
        foreach (var error in ValidateConnection(section).Concat(ValidateTableName(section, nameof(GrainStateTableName), GrainStateTableName)))
        {
            yield return error;
        }

        if (CompressionThresholdBytes < 0)
        {
            yield return $"{section}:CompressionThresholdBytes must be zero (always compress) or positive.";
        }
    }
}
