using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace EvSwap.Orleans.DynamoDB;

/// <summary>
/// Orleans membership in DynamoDB, one item per cluster (layout and reasoning in <see cref="MembershipItem"/> and
/// docs/dynamodb.md). Every change of rows and version is one conditional UpdateItem/PutItem on that item, so it
/// happens entirely or not at all; contention shows up as a failed condition and is reported as <c>false</c>.
/// </summary>
public sealed class DynamoDBMembershipTable : IMembershipTable, IDisposable
{
    private const string Role = "membership";

    private readonly DynamoDBClusteringOptions _options;
    private readonly ILogger<DynamoDBMembershipTable> _logger;
    private readonly IAmazonDynamoDB _client;
    private readonly string _serviceId;
    private readonly string _clusterId;
    private readonly string _key;

    public DynamoDBMembershipTable(IOptions<DynamoDBClusteringOptions> options, IOptions<ClusterOptions> clusterOptions, ILogger<DynamoDBMembershipTable> logger)
    {
        _options = options.Value;
        DynamoDBOptionsException.ThrowIfInvalid("clustering", _options.Validate());
        _logger = logger;
        _serviceId = clusterOptions.Value.ServiceId;
        _clusterId = clusterOptions.Value.ClusterId;
        _key = MembershipItem.KeyOf(_serviceId, _clusterId);
        _client = DynamoDBTables.CreateClient(_options);
    }

    private string Table => _options.MembershipTableName;

    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        // No item is created here: an absent item reads as version 0 and the first InsertRow creates it
        // conditionally, which keeps clients and silos that only read from ever writing.
        DynamoDBTables.Count(Role, "DescribeTable", Table);
        await DynamoDBTables.EnsureTableAsync(_client, Table, MembershipItem.Key, _options.CreateIfNotExists, _options.TableCreationTimeout, _logger, cancellationToken);
        _logger.LogInformation("DynamoDB membership for service {ServiceId}, cluster {ClusterId} in table {Table}", _serviceId, _clusterId, Table);
    }

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken)
    {
        DynamoDBTables.Count(Role, "DeleteItem", Table);
        await _client.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = Table,
            Key = MembershipItem.KeyAttributes(MembershipItem.KeyOf(_serviceId, clusterId)),
        }, cancellationToken);
    }

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) =>
        MembershipItem.Decode(await GetItemAsync(projection: null, names: null, cancellationToken));

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken)
    {
        // Version, ETag and the one row come from the same GetItem, so they are read atomically.
        var rowKey = MembershipItem.RowKey(key);
        var item = await GetItemAsync(
            "#v, #e, #s.#k",
            new Dictionary<string, string> { ["#v"] = MembershipItem.Version, ["#e"] = MembershipItem.ETag, ["#s"] = MembershipItem.Silos, ["#k"] = rowKey },
            cancellationToken);
        return MembershipItem.Decode(item, k => k == rowKey);
    }

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        var rowKey = MembershipItem.RowKey(entry.SiloAddress);
        var row = MembershipItem.EncodeRow(entry, MembershipItem.NewETag());

        if (tableVersion.VersionEtag == MembershipItem.NoItemETag)
        {
            // The caller read "no item": create it holding just this row, only if still nobody has.
            var item = MembershipItem.KeyAttributes(_key);
            item["ServiceId"] = new AttributeValue(_serviceId);
            item["ClusterId"] = new AttributeValue(_clusterId);
            item[MembershipItem.Version] = MembershipItem.Number(tableVersion.Version);
            item[MembershipItem.ETag] = new AttributeValue(MembershipItem.NewETag());
            item[MembershipItem.Silos] = new AttributeValue { M = new Dictionary<string, AttributeValue> { [rowKey] = row } };
            return await ConditionalAsync("PutItem", () => _client.PutItemAsync(new PutItemRequest
            {
                TableName = Table,
                Item = item,
                ConditionExpression = "attribute_not_exists(#c)",
                ExpressionAttributeNames = new() { ["#c"] = MembershipItem.Key },
            }, cancellationToken), entry, "insert");
        }

        return await ConditionalAsync("UpdateItem", () => _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Table,
            Key = MembershipItem.KeyAttributes(_key),
            UpdateExpression = "SET #s.#k = :row, #v = :version, #e = :newETag",
            ConditionExpression = "#e = :expectedETag AND attribute_not_exists(#s.#k)",
            ExpressionAttributeNames = new() { ["#s"] = MembershipItem.Silos, ["#k"] = rowKey, ["#v"] = MembershipItem.Version, ["#e"] = MembershipItem.ETag },
            ExpressionAttributeValues = new()
            {
                [":row"] = row,
                [":version"] = MembershipItem.Number(tableVersion.Version),
                [":newETag"] = new AttributeValue(MembershipItem.NewETag()),
                [":expectedETag"] = new AttributeValue(tableVersion.VersionEtag),
            },
        }, cancellationToken), entry, "insert");
    }

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        // The row ETag is checked as well as the table's. Heartbeats never change it, so this extra guard holds
        // across IAmAlive updates as the Orleans contract requires.
        var rowKey = MembershipItem.RowKey(entry.SiloAddress);
        return await ConditionalAsync("UpdateItem", () => _client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Table,
            Key = MembershipItem.KeyAttributes(_key),
            UpdateExpression = "SET #s.#k = :row, #v = :version, #e = :newETag",
            ConditionExpression = "#e = :expectedETag AND #s.#k.#e = :rowETag",
            ExpressionAttributeNames = new() { ["#s"] = MembershipItem.Silos, ["#k"] = rowKey, ["#v"] = MembershipItem.Version, ["#e"] = MembershipItem.ETag },
            ExpressionAttributeValues = new()
            {
                [":row"] = MembershipItem.EncodeRow(entry, MembershipItem.NewETag()),
                [":version"] = MembershipItem.Number(tableVersion.Version),
                [":newETag"] = new AttributeValue(MembershipItem.NewETag()),
                [":expectedETag"] = new AttributeValue(tableVersion.VersionEtag),
                [":rowETag"] = new AttributeValue(etag ?? string.Empty),
            },
        }, cancellationToken), entry, "update");
    }

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        // Only the nested Alive attribute of this silo's row: version, table ETag and row ETag stay as they are,
        // so a heartbeat never makes another silo's pending UpdateRow fail.
        var rowKey = MembershipItem.RowKey(entry.SiloAddress);
        try
        {
            DynamoDBTables.Count(Role, "UpdateItem", Table);
            await _client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = MembershipItem.KeyAttributes(_key),
                UpdateExpression = "SET #s.#k.#a = :alive",
                ConditionExpression = "attribute_exists(#s.#k)",
                ExpressionAttributeNames = new() { ["#s"] = MembershipItem.Silos, ["#k"] = rowKey, ["#a"] = MembershipItem.Alive },
                ExpressionAttributeValues = new() { [":alive"] = new AttributeValue(MembershipItem.FormatTime(entry.IAmAliveTime)) },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException ex)
        {
            throw new OrleansException($"Cannot record IAmAlive for silo {entry.SiloAddress}: it has no row in DynamoDB table '{Table}' (cluster {_clusterId}).", ex);
        }
    }

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        // Every row that is not Active and has shown no activity since the cut-off goes, as Orleans' own providers
        // and conformance suite do: a silo that crashed while Joining, ShuttingDown or Stopping is never declared
        // Dead by anyone, and keeping only-Dead cleanup would let such rows pile up in the one item for ever.
        var data = await ReadAllAsync(cancellationToken);
        var defunct = data.Members.Where(row => MembershipItem.IsDefunct(row.Item1, beforeDate)).ToList();

        // Several REMOVEs per request, but a bounded number: expressions are limited to 4 KB.
        foreach (var chunk in defunct.Chunk(20))
        {
            var names = new Dictionary<string, string> { ["#s"] = MembershipItem.Silos, ["#e"] = MembershipItem.ETag };
            var values = new Dictionary<string, AttributeValue>();
            var removes = new List<string>();
            var conditions = new List<string>();
            for (var i = 0; i < chunk.Length; i++)
            {
                names[$"#k{i}"] = MembershipItem.RowKey(chunk[i].Item1.SiloAddress);
                values[$":e{i}"] = new AttributeValue(chunk[i].Item2);
                removes.Add($"#s.#k{i}");

                // Removal is a row change nobody else sees coming, so only rows still exactly as read go.
                conditions.Add($"#s.#k{i}.#e = :e{i}");
            }

            try
            {
                DynamoDBTables.Count(Role, "UpdateItem", Table);
                await _client.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = Table,
                    Key = MembershipItem.KeyAttributes(_key),
                    UpdateExpression = "REMOVE " + string.Join(", ", removes),
                    ConditionExpression = string.Join(" AND ", conditions),
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                }, cancellationToken);
                _logger.LogInformation("Removed {Count} defunct silo rows from cluster {ClusterId}", chunk.Length, _clusterId);
            }
            catch (ConditionalCheckFailedException)
            {
                _logger.LogInformation("Defunct silo rows of cluster {ClusterId} changed while cleaning up; the next cleanup retries", _clusterId);
            }
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(string? projection, Dictionary<string, string>? names, CancellationToken cancellationToken)
    {
        DynamoDBTables.Count(Role, "GetItem", Table);
        var response = await _client.GetItemAsync(new GetItemRequest
        {
            TableName = Table,
            Key = MembershipItem.KeyAttributes(_key),
            ConsistentRead = true,
            ProjectionExpression = projection,
            ExpressionAttributeNames = names,
        }, cancellationToken);
        return response.Item;
    }

    private async Task<bool> ConditionalAsync(string operation, Func<Task> write, MembershipEntry entry, string what)
    {
        try
        {
            DynamoDBTables.Count(Role, operation, Table);
            await write();
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            _logger.LogDebug("Membership {What} of {Silo} lost a race or used a stale version; Orleans re-reads and retries", what, entry.SiloAddress);
            return false;
        }
    }
}
