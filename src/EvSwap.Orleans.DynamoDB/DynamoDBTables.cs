using System.Diagnostics;
using System.Diagnostics.Metrics;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;

namespace EvSwap.Orleans.DynamoDB;

/// <summary>Client construction and the create-only-when-asked table check shared by both providers.</summary>
internal static class DynamoDBTables
{
    /// <summary>
    /// Counts every DynamoDB request the providers make, tagged with table role and operation. This is how
    /// docs/dynamodb.md measures membership requests per silo per minute; in production it is an ordinary
    /// OpenTelemetry-visible counter.
    /// </summary>
    internal static readonly Meter Meter = new("EvSwap.Orleans.DynamoDB");

    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>("evswap.dynamodb.requests", description: "DynamoDB requests made by the Orleans providers");

    /// <remarks>The table tag tells apart hosts that share a process (tests) and deployments that share a collector.</remarks>
    internal static void Count(string role, string operation, string table) =>
        Requests.Add(1, new("role", role), new("operation", operation), new("table", table));

    public static IAmazonDynamoDB CreateClient(DynamoDBConnectionOptions options)
    {
        var config = new AmazonDynamoDBConfig
        {
            // Adaptive mode adds client-side rate limiting on throttling on top of the standard retries, so a
            // burst of silos starting together backs off instead of failing membership writes.
            RetryMode = RequestRetryMode.Adaptive,
            MaxErrorRetry = 5,
        };

        if (!string.IsNullOrWhiteSpace(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        if (string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            return new AmazonDynamoDBClient(config);
        }

        config.ServiceURL = options.ServiceUrl;
        config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region;

        // Local DynamoDB-API endpoints accept any signature; dummy keys keep the default chain from looking for
        // real ones (and from picking up a developer's real AWS profile by accident).
        return new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config);
    }

    /// <summary>
    /// Checks that <paramref name="tableName"/> exists with a single string hash key <paramref name="keyName"/>, or
    /// that and a number range key <paramref name="rangeKeyName"/> when given. Creates it (on demand billing) only when
    /// <paramref name="createIfNotExists"/>; never alters an existing table.
    /// </summary>
    public static async Task EnsureTableAsync(IAmazonDynamoDB client, string tableName, string keyName, bool createIfNotExists, TimeSpan creationTimeout, ILogger logger, CancellationToken cancellationToken, string? rangeKeyName = null)
    {
        var description = await DescribeOrNullAsync(client, tableName, cancellationToken);
        if (description is null)
        {
            if (!createIfNotExists)
            {
                throw new InvalidOperationException(
                    $"DynamoDB table '{tableName}' does not exist. Create it (CloudFormation, see docs/dynamodb.md) or set DynamoDB:CreateIfNotExists=true.");
            }

            logger.LogInformation("Creating DynamoDB table {Table} (on-demand billing)", tableName);
            try
            {
                await client.CreateTableAsync(new CreateTableRequest
                {
                    TableName = tableName,
                    BillingMode = BillingMode.PAY_PER_REQUEST,
                    KeySchema = rangeKeyName is null ? [new KeySchemaElement(keyName, KeyType.HASH)] : [new KeySchemaElement(keyName, KeyType.HASH), new KeySchemaElement(rangeKeyName, KeyType.RANGE)],
                    AttributeDefinitions = rangeKeyName is null ? [new AttributeDefinition(keyName, ScalarAttributeType.S)]
                        : [new AttributeDefinition(keyName, ScalarAttributeType.S), new AttributeDefinition(rangeKeyName, ScalarAttributeType.N)],
                }, cancellationToken);
            }
            catch (ResourceInUseException)
            {
                // Another silo created it a moment ago: wait for it like for our own.
            }

            description = await WaitUntilActiveAsync(client, tableName, creationTimeout, cancellationToken);
        }
        else if (description.TableStatus != TableStatus.ACTIVE)
        {
            description = await WaitUntilActiveAsync(client, tableName, creationTimeout, cancellationToken);
        }

        var keys = description.KeySchema ?? [];
        var expected = rangeKeyName is null ? 1 : 2;
        if (keys.Count != expected || keys[0].AttributeName != keyName || keys[0].KeyType != KeyType.HASH
            || (rangeKeyName is not null && (keys[1].AttributeName != rangeKeyName || keys[1].KeyType != KeyType.RANGE)))
        {
            var actual = string.Join(", ", keys.Select(k => $"{k.AttributeName} ({k.KeyType})"));
            var needed = rangeKeyName is null ? $"a single string hash key '{keyName}'" : $"a string hash key '{keyName}' and a number range key '{rangeKeyName}'";
            throw new InvalidOperationException(
                $"DynamoDB table '{tableName}' has key schema [{actual}]; this provider needs {needed}. The table is not altered: fix or recreate it.");
        }
    }

    private static async Task<TableDescription?> DescribeOrNullAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken)).Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    private static async Task<TableDescription> WaitUntilActiveAsync(IAmazonDynamoDB client, string tableName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A new table answers CreateTable at once but rejects reads and writes while CREATING.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var description = await DescribeOrNullAsync(client, tableName, cancellationToken);
            if (description?.TableStatus == TableStatus.ACTIVE)
            {
                return description;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"DynamoDB table '{tableName}' was not ACTIVE after {timeout} (status {description?.TableStatus?.Value ?? "missing"}).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
