using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EvSwap.Orleans.DynamoDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Bridge.DynamoDB;

/// <summary>
/// Client id leases as DynamoDB items, one per slot: <c>Pool</c> (the client id prefix) and <c>Slot</c> as key,
/// <c>Owner</c> and <c>ExpiresAt</c> (Unix milliseconds) as the lease. Each change is one conditional
/// UpdateItem/DeleteItem on one item, atomic on DynamoDB and on dynalite alike without transactions; all slots of a
/// pool are one consistent Query. A released slot's item is deleted, so a remaining expired item marks an orphan.
/// </summary>
public sealed class DynamoDBClientIdLeaseStore : IClientIdLeaseStore, IDisposable
{
    private const string Pool = "Pool";
    private const string Slot = "Slot";
    private const string ClientId = "ClientId";
    private const string Owner = "Owner";
    private const string ExpiresAt = "ExpiresAt";
    private const string AcquiredAt = "AcquiredAt";

    private readonly DynamoDBClientIdLeaseOptions _options;
    private readonly ILogger<DynamoDBClientIdLeaseStore> _logger;
    private readonly IAmazonDynamoDB _client;

    public DynamoDBClientIdLeaseStore(IOptions<DynamoDBClientIdLeaseOptions> options, ILogger<DynamoDBClientIdLeaseStore> logger)
    {
        _options = options.Value;
        DynamoDBOptionsException.ThrowIfInvalid("client id leases", _options.Validate());
        _logger = logger;
        _client = DynamoDBTables.CreateClient(_options);
    }

    private string Table => _options.ClientIdLeaseTableName;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await DynamoDBTables.EnsureTableAsync(_client, Table, Pool, _options.CreateIfNotExists, _options.TableCreationTimeout, _logger, cancellationToken, rangeKeyName: Slot);
        _logger.LogInformation("Bridge client id leases in DynamoDB table {Table}", Table);
    }

    public async Task<IReadOnlyList<ClientIdLease>> ReadAsync(string prefix, CancellationToken cancellationToken)
    {
        var leases = new List<ClientIdLease>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await _client.QueryAsync(new QueryRequest
            {
                TableName = Table,
                ConsistentRead = true,
                KeyConditionExpression = "#p = :p",
                ExpressionAttributeNames = new() { ["#p"] = Pool },
                ExpressionAttributeValues = new() { [":p"] = new AttributeValue(prefix) },
                ExclusiveStartKey = start,
            }, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                leases.Add(new ClientIdLease(
                    int.Parse(item[Slot].N, CultureInfo.InvariantCulture),
                    item.TryGetValue(Owner, out var owner) ? owner.S : "",
                    DateTimeOffset.FromUnixTimeMilliseconds(item.TryGetValue(ExpiresAt, out var expires) ? long.Parse(expires.N, CultureInfo.InvariantCulture) : 0)));
            }

            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return leases;
    }

    public Task<bool> TryAcquireAsync(ClientIdSlot slot, string owner, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        ConditionalAsync(() => _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Table,
            Key = KeyOf(slot),
            UpdateExpression = "SET #o = :owner, #e = :expires, #a = :now, #c = :clientId",
            ConditionExpression = "attribute_not_exists(#o) OR #e < :now OR #o = :owner",
            ExpressionAttributeNames = new() { ["#o"] = Owner, ["#e"] = ExpiresAt, ["#a"] = AcquiredAt, ["#c"] = ClientId },
            ExpressionAttributeValues = new()
            {
                [":owner"] = new AttributeValue(owner),
                [":expires"] = Millis(expiresAt),
                [":now"] = Millis(now),
                [":clientId"] = new AttributeValue(slot.ClientId),
            },
        }, cancellationToken));

    public Task<bool> TryRenewAsync(ClientIdSlot slot, string owner, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        ConditionalAsync(() => _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Table,
            Key = KeyOf(slot),
            UpdateExpression = "SET #e = :expires",
            ConditionExpression = "#o = :owner",
            ExpressionAttributeNames = new() { ["#o"] = Owner, ["#e"] = ExpiresAt },
            ExpressionAttributeValues = new() { [":owner"] = new AttributeValue(owner), [":expires"] = Millis(expiresAt) },
        }, cancellationToken));

    public Task<bool> ReleaseAsync(ClientIdSlot slot, string owner, CancellationToken cancellationToken) =>
        ConditionalAsync(() => _client.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = Table,
            Key = KeyOf(slot),
            ConditionExpression = "#o = :owner",
            ExpressionAttributeNames = new() { ["#o"] = Owner },
            ExpressionAttributeValues = new() { [":owner"] = new AttributeValue(owner) },
        }, cancellationToken));

    public void Dispose() => _client.Dispose();

    private static Dictionary<string, AttributeValue> KeyOf(ClientIdSlot slot) => new()
    {
        [Pool] = new AttributeValue(slot.Prefix),
        [Slot] = new AttributeValue { N = slot.Number.ToString(CultureInfo.InvariantCulture) },
    };

    private static AttributeValue Millis(DateTimeOffset time) => new() { N = time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) };

    private static async Task<bool> ConditionalAsync(Func<Task> write)
    {
        try
        {
            await write();
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }
}
