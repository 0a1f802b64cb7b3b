using System.IO.Compression;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace EvSwap.Orleans.DynamoDB;

/// <summary>
/// Grain state in DynamoDB, one item per grain and state name:
/// <code>
/// Grain (S, hash key)  "{serviceId}/{stateName}/{grainId}" (service id and state name with '%' and '/' escaped)
/// ServiceId, StateName, GrainType, GrainId (S)  for people and scans
/// ETag (S)          a GUID per write: the optimistic-concurrency token Orleans hands back on the next write
/// Data (B)          the serialized state, gzip-compressed when Compression = "gzip"; absent in a tombstone
/// Deleted (BOOL)    true for a tombstone left by ClearStateAsync (DeleteStateOnClear = false)
/// UpdatedAt (S)     ISO 8601 UTC
/// </code>
/// Every write is conditional on the ETag the grain last saw, so two activations of one grain (e.g. during a
/// silo failure) can never overwrite each other silently: the loser gets <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class DynamoDBGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>DynamoDB's item size limit, attribute names included.</summary>
    public const int MaxItemBytes = 400 * 1024;

    private const string Role = "grainstate";
    private const string KeyName = "Grain";

    private readonly string _name;
    private readonly DynamoDBGrainStorageOptions _options;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger<DynamoDBGrainStorage> _logger;
    private readonly IAmazonDynamoDB _client;
    private readonly string _serviceId;

    public DynamoDBGrainStorage(string name, DynamoDBGrainStorageOptions options, IGrainStorageSerializer serializer, IOptions<ClusterOptions> clusterOptions, ILogger<DynamoDBGrainStorage> logger)
    {
        DynamoDBOptionsException.ThrowIfInvalid($"grain storage '{name}'", options.Validate());
        _name = name;
        _options = options;
        _serializer = serializer;
        _logger = logger;
        _serviceId = clusterOptions.Value.ServiceId;
        _client = DynamoDBTables.CreateClient(options);
    }

    /// <summary>The factory used by the registration extensions: named options, Orleans serializer unless overridden.</summary>
    public static DynamoDBGrainStorage Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<DynamoDBGrainStorageOptions>>().Get(name);
        var serializer = (IGrainStorageSerializer?)options.GrainStorageSerializer ?? new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
        return new DynamoDBGrainStorage(name, options, serializer, services.GetRequiredService<IOptions<ClusterOptions>>(), services.GetRequiredService<ILogger<DynamoDBGrainStorage>>());
    }

    private string Table => _options.GrainStateTableName;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(OptionFormattingUtilities.Name<DynamoDBGrainStorage>(_name), ServiceLifecycleStage.ApplicationServices, InitializeAsync);

    /// <summary>Checks (and when asked, creates) the table. Called by the silo lifecycle; tests call it directly.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        DynamoDBTables.Count(Role, "DescribeTable", Table);
        return DynamoDBTables.EnsureTableAsync(_client, Table, KeyName, _options.CreateIfNotExists, _options.TableCreationTimeout, _logger, cancellationToken);
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        GetItemResponse response;
        try
        {
            DynamoDBTables.Count(Role, "GetItem", Table);
            response = await _client.GetItemAsync(new GetItemRequest
            {
                TableName = Table,
                Key = KeyOf(stateName, grainId),
                // A strongly consistent read: a grain re-activated on another silo right after a write must see it.
                ConsistentRead = true,
            }, cancellationToken);
        }
        catch (AmazonDynamoDBException ex)
        {
            throw Failure("read", stateName, grainId, ex);
        }

        var item = response.Item;
        if (item is null || item.Count == 0)
        {
            grainState.State = CreateDefault<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.ETag = item.TryGetValue("ETag", out var etag) ? etag.S : null;
        if (!item.TryGetValue("Data", out var data) || data.B is null)
        {
            // A tombstone: no state, but its ETag is kept so the next write is checked against the clear.
            grainState.State = CreateDefault<T>();
            grainState.RecordExists = false;
            return;
        }

        var bytes = data.B.ToArray();
        if (item.TryGetValue("Compression", out var compression) && compression.S == "gzip")
        {
            bytes = Decompress(bytes);
        }

        grainState.State = _serializer.Deserialize<T>(new BinaryData(bytes));
        grainState.RecordExists = true;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var bytes = _serializer.Serialize(grainState.State).ToArray();
        var compressed = bytes.Length > _options.CompressionThresholdBytes;
        if (compressed)
        {
            bytes = Compress(bytes);
        }

        var newETag = Guid.NewGuid().ToString("N");
        var item = KeyOf(stateName, grainId);
        AddDescription(item, stateName, grainId, newETag);
        item["Data"] = new AttributeValue { B = new MemoryStream(bytes) };
        if (compressed)
        {
            item["Compression"] = new AttributeValue("gzip");
        }

        var size = EstimateItemSize(item);
        if (size > MaxItemBytes)
        {
            throw new GrainStateTooLargeException(grainId, stateName, size, MaxItemBytes);
        }

        await ConditionalPutAsync(item, stateName, grainId, grainState.ETag, "write", cancellationToken);
        grainState.ETag = newETag;
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        if (_options.DeleteStateOnClear)
        {
            var (condition, names, values) = ETagCondition(grainState.ETag);
            try
            {
                DynamoDBTables.Count(Role, "DeleteItem", Table);
                await _client.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = Table,
                    Key = KeyOf(stateName, grainId),
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                }, cancellationToken);
            }
            catch (ConditionalCheckFailedException ex)
            {
                throw Conflict("clear", stateName, grainId, grainState.ETag, ex);
            }
            catch (AmazonDynamoDBException ex)
            {
                throw Failure("clear", stateName, grainId, ex);
            }

            grainState.ETag = null;
        }
        else
        {
            var newETag = Guid.NewGuid().ToString("N");
            var tombstone = KeyOf(stateName, grainId);
            AddDescription(tombstone, stateName, grainId, newETag);
            tombstone["Deleted"] = new AttributeValue { BOOL = true };
            await ConditionalPutAsync(tombstone, stateName, grainId, grainState.ETag, "clear", cancellationToken);
            grainState.ETag = newETag;
        }

        grainState.State = CreateDefault<T>();
        grainState.RecordExists = false;
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// DynamoDB's item size: UTF-8 lengths of attribute names and string values, binary lengths, and a few bytes
    /// per number, boolean, list and map. Close enough to reject before the service does, with a useful message.
    /// </summary>
    internal static int EstimateItemSize(Dictionary<string, AttributeValue> item) =>
        item.Sum(pair => Encoding.UTF8.GetByteCount(pair.Key) + EstimateValueSize(pair.Value));

    private static int EstimateValueSize(AttributeValue value)
    {
        if (value.S is not null) return Encoding.UTF8.GetByteCount(value.S);
        if (value.N is not null) return (value.N.Length + 1) / 2 + 1;
        if (value.B is not null) return (int)value.B.Length;
        if (value.M is not null) return 3 + value.M.Sum(p => 1 + Encoding.UTF8.GetByteCount(p.Key) + EstimateValueSize(p.Value));
        if (value.L is not null) return 3 + value.L.Sum(v => 1 + EstimateValueSize(v));
        return 1;
    }

    private async Task ConditionalPutAsync(Dictionary<string, AttributeValue> item, string stateName, GrainId grainId, string? expectedETag, string operation, CancellationToken cancellationToken)
    {
        var (condition, names, values) = ETagCondition(expectedETag);
        try
        {
            DynamoDBTables.Count(Role, "PutItem", Table);
            await _client.PutItemAsync(new PutItemRequest
            {
                TableName = Table,
                Item = item,
                ConditionExpression = condition,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException ex)
        {
            throw Conflict(operation, stateName, grainId, expectedETag, ex);
        }
        catch (AmazonDynamoDBException ex)
        {
            throw Failure(operation, stateName, grainId, ex);
        }
    }

    /// <summary>No ETag: the grain believes nothing is stored, so the item must not exist. Otherwise it must carry that ETag.</summary>
    private static (string Condition, Dictionary<string, string> Names, Dictionary<string, AttributeValue>? Values) ETagCondition(string? expectedETag) =>
        expectedETag is null
            ? ("attribute_not_exists(#key)", new() { ["#key"] = KeyName }, null)
            : ("#etag = :etag", new() { ["#etag"] = "ETag" }, new() { [":etag"] = new AttributeValue(expectedETag) });

    private Dictionary<string, AttributeValue> KeyOf(string stateName, GrainId grainId) =>
        new() { [KeyName] = new AttributeValue($"{Escape(_serviceId)}/{Escape(stateName)}/{grainId}") };

    private void AddDescription(Dictionary<string, AttributeValue> item, string stateName, GrainId grainId, string etag)
    {
        item["ServiceId"] = new AttributeValue(_serviceId);
        item["StateName"] = new AttributeValue(stateName);
        item["GrainType"] = new AttributeValue(grainId.Type.ToString());
        item["GrainId"] = new AttributeValue(grainId.ToString());
        item["ETag"] = new AttributeValue(etag);
        item["UpdatedAt"] = new AttributeValue(DateTime.UtcNow.ToString("O"));
    }

    private InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? expectedETag, Exception inner) =>
        new($"DynamoDB grain storage '{_name}': {operation} of state '{stateName}' of grain {grainId} rejected: the stored ETag is no longer '{expectedETag ?? "(none: nothing stored)"}'; another activation or writer changed it.",
            storedEtag: "unknown", currentEtag: expectedETag ?? string.Empty, inner);

    private OrleansException Failure(string operation, string stateName, GrainId grainId, Exception inner) =>
        new($"DynamoDB grain storage '{_name}': {operation} of state '{stateName}' of grain {grainId} in table '{Table}' failed after the SDK's retries: {inner.Message}", inner);

    private static T CreateDefault<T>() =>
        typeof(T).IsValueType || typeof(T).GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance<T>() : default!;

    private static byte[] Compress(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private static byte[] Decompress(byte[] bytes)
    {
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static string Escape(string part) => part.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal);
}
