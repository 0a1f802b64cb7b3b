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
