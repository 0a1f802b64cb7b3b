using Orleans.Storage;

namespace EvSwap.Orleans.DynamoDB;

/// <summary>
/// Where DynamoDB is and whether missing tables may be created. Property names match the <c>DynamoDB</c>
/// configuration section (<c>DynamoDB:ServiceUrl</c>, <c>DynamoDB:Region</c>, ...), so either options class
/// binds from that section directly.
/// </summary>
public abstract class DynamoDBConnectionOptions
{
    /// <summary>
    /// A DynamoDB-API endpoint such as dynalite or DynamoDB Local (<c>http://127.0.0.1:8000</c>). When set, the
    /// client signs with dummy credentials because such endpoints accept any. Unset means AWS itself with the
    /// SDK's default credential chain (the task role on Fargate).
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>AWS region, e.g. <c>eu-west-1</c>. Required for AWS; optional with <see cref="ServiceUrl"/>.</summary>
    public string? Region { get; set; }

    /// <summary>
    /// Create the table (on-demand billing) when it does not exist. Off by default because production tables
    /// belong to CloudFormation; an existing table is never altered either way.
    /// </summary>
    public bool CreateIfNotExists { get; set; }

    /// <summary>How long to wait for a table this provider created to become ACTIVE.</summary>
    public TimeSpan TableCreationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    internal IEnumerable<string> ValidateConnection(string section)
    {
        if (!string.IsNullOrWhiteSpace(ServiceUrl) && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _))
        {
            yield return $"{section}:ServiceUrl '{ServiceUrl}' is not an absolute URL (expected e.g. http://127.0.0.1:8000).";
        }

        if (string.IsNullOrWhiteSpace(ServiceUrl) && string.IsNullOrWhiteSpace(Region))
        {
            yield return $"Set {section}:Region (e.g. eu-west-1) to use AWS, or {section}:ServiceUrl to use a local DynamoDB-API endpoint.";
        }

        if (TableCreationTimeout <= TimeSpan.Zero)
        {
            yield return $"{section}:TableCreationTimeout must be positive.";
        }
    }

    internal static IEnumerable<string> ValidateTableName(string section, string property, string? name)
    {
        // DynamoDB's own rule; checking it here turns a ValidationException at first use into a startup message.
        if (string.IsNullOrWhiteSpace(name) || name.Length is < 3 or > 255 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            yield return $"{section}:{property} '{name}' is not a valid DynamoDB table name (3-255 characters of A-Z a-z 0-9 _ - .).";
        }
    }
}

/// <summary>Options of the membership table and the gateway list provider.</summary>
public sealed class DynamoDBClusteringOptions : DynamoDBConnectionOptions
{
    /// <summary>The membership table: one item per service and cluster id.</summary>
    public string MembershipTableName { get; set; } = "EvSwapMembership";

    internal IEnumerable<string> Validate(string section = "DynamoDB") =>
        ValidateConnection(section).Concat(ValidateTableName(section, nameof(MembershipTableName), MembershipTableName));
}

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

/// <summary>Thrown at startup when DynamoDB options are unusable; the message lists every problem.</summary>
public sealed class DynamoDBOptionsException(string message) : Exception(message)
{
    internal static void ThrowIfInvalid(string what, IEnumerable<string> errors)
    {
        var list = errors.ToList();
        if (list.Count > 0)
        {
            throw new DynamoDBOptionsException($"Invalid DynamoDB options for {what}: " + string.Join(" ", list));
        }
    }
}
