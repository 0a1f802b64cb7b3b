using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EvSwap.Orleans.DynamoDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Ledger.DynamoDB;

/// <summary>
/// One item per swap: hash key the station, range key the record's key (time|id), so a station's swaps in a time
/// range are one Query. Three sparse global secondary indexes serve the other filters: <c>by-day</c> (the fleet in a
/// time range, one partition per day), <c>by-battery-in</c> and <c>by-battery-out</c>. Records go in BatchWriteItem
/// requests of up to 25 puts; a put of an existing key overwrites it with the same values, so a repeat changes nothing.
/// </summary>
public sealed class DynamoDBSwapStore : ISwapStore, IDisposable
{
    internal const string ByDay = "by-day";
    internal const string ByBatteryIn = "by-battery-in";
    internal const string ByBatteryOut = "by-battery-out";

    private readonly DynamoDBSwapStoreOptions _options;
    private readonly LedgerMetrics _metrics;
    private readonly ILogger<DynamoDBSwapStore> _logger;
    private readonly IAmazonDynamoDB _client;
    private readonly SemaphoreSlim _init = new(1, 1);
    private volatile bool _ready;

    public DynamoDBSwapStore(IOptions<DynamoDBSwapStoreOptions> options, LedgerMetrics metrics, ILogger<DynamoDBSwapStore> logger)
    {
        _options = options.Value;
        DynamoDBOptionsException.ThrowIfInvalid("the swap ledger", _options.Validate());
        _metrics = metrics;
        _logger = logger;
        _client = DynamoDBTables.CreateClient(_options);
    }

    private string Table => _options.SwapTableName;

    public async Task WriteAsync(IReadOnlyList<SwapRecord> records, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken);
        // A batch may not name a key twice, and the same swap can be handed over twice (a station resubmitting after
        // reactivation while its first submission still waits).
        var distinct = records.DistinctBy(r => r.Key).ToList();
        for (var i = 0; i < distinct.Count; i += 25)
        {
            var writes = distinct.Skip(i).Take(25).Select(r => new WriteRequest(new PutRequest(ToItem(r)))).ToList();
            var pending = new Dictionary<string, List<WriteRequest>> { [Table] = writes };
            for (var attempt = 0; pending.Count > 0 && pending.GetValueOrDefault(Table) is { Count: > 0 }; attempt++)
            {
                if (attempt > 0)
                {
                    // Unprocessed items mean throttling: back off before asking again.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 50 << Math.Min(attempt, 7))), cancellationToken);
                }

                DynamoDBTables.Count("ledger", "BatchWriteItem", Table);
                var response = await _client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken);
                _metrics.StoreRequest("dynamodb", pending[Table].Count);
                pending = response.UnprocessedItems ?? [];
            }
        }
    }

    public IAsyncEnumerable<SwapRecord> QueryAsync(SwapQuery query, CancellationToken cancellationToken)
    {
        if (query.Station is not null)
        {
            return QueryPartitionAsync(null, "pk", query.Station, query, cancellationToken);
        }

        if (query.Battery is not null)
        {
            return MergeAsync(
                QueryPartitionAsync(ByBatteryIn, "bIn", query.Battery, query, cancellationToken),
                QueryPartitionAsync(ByBatteryOut, "bOut", query.Battery, query, cancellationToken),
                cancellationToken);
        }

        return QueryDaysAsync(query, cancellationToken);
    }

    private async IAsyncEnumerable<SwapRecord> QueryDaysAsync(SwapQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = DateOnly.ParseExact(query.LowerKey[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var last = DateOnly.FromDateTime(query.To.UtcDateTime);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            await foreach (var r in QueryPartitionAsync(ByDay, "day", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), query, cancellationToken))
            {
                yield return r;
            }
        }
    }

    /// <summary>One partition's records in key order, a page of at most 500 at a time.</summary>
    private async IAsyncEnumerable<SwapRecord> QueryPartitionAsync(string? index, string hashKey, string hashValue, SwapQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken);
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = Table,
                IndexName = index,
                KeyConditionExpression = "#h = :h AND sk BETWEEN :lo AND :hi",
                ExpressionAttributeNames = new() { ["#h"] = hashKey },
                ExpressionAttributeValues = new()
                {
                    [":h"] = new AttributeValue { S = hashValue },
                    [":lo"] = new AttributeValue { S = query.LowerKey },
                    [":hi"] = new AttributeValue { S = query.UpperKey },
                },
                Limit = 500,
                ExclusiveStartKey = start,
            };
            if (index is null && query.Battery is not null)
            {
                request.FilterExpression = "bIn = :b OR bOut = :b";
                request.ExpressionAttributeValues[":b"] = new AttributeValue { S = query.Battery };
            }

            DynamoDBTables.Count("ledger", "Query", Table);
            var page = await _client.QueryAsync(request, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                var record = FromItem(item);
                if (query.Matches(record))
                {
                    yield return record;
                }
            }

            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
    }

    private static async IAsyncEnumerable<SwapRecord> MergeAsync(IAsyncEnumerable<SwapRecord> a, IAsyncEnumerable<SwapRecord> b, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var left = a.GetAsyncEnumerator(cancellationToken);
        await using var right = b.GetAsyncEnumerator(cancellationToken);
        var hasLeft = await left.MoveNextAsync();
        var hasRight = await right.MoveNextAsync();
        while (hasLeft || hasRight)
        {
            var order = !hasLeft ? 1 : !hasRight ? -1 : string.CompareOrdinal(left.Current.Key, right.Current.Key);
            if (order <= 0)
            {
                yield return left.Current;
                hasRight = order == 0 ? await right.MoveNextAsync() : hasRight;
                hasLeft = await left.MoveNextAsync();
            }
            else
            {
                yield return right.Current;
                hasRight = await right.MoveNextAsync();
            }
        }
    }

    private static Dictionary<string, AttributeValue> ToItem(SwapRecord r)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = new() { S = r.StationId },
            ["sk"] = new() { S = r.Key },
            ["day"] = new() { S = r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            ["id"] = new() { S = r.Id },
            ["at"] = new() { S = SwapRecord.TimeKey(r.At) },
            ["boot"] = Number(r.Boot),
            ["seq"] = Number(r.Seq),
            ["idx"] = Number(r.EventIndex),
        };
        Put(item, "slotIn", r.SlotIn);
        Put(item, "bIn", r.BatteryIn);
        Put(item, "socIn", r.SocInPct);
        Put(item, "slotOut", r.SlotOut);
        Put(item, "bOut", r.BatteryOut);
        Put(item, "socOut", r.SocOutPct);
        Put(item, "kwh", r.EnergyKwh);
        return item;
    }

    private static SwapRecord FromItem(Dictionary<string, AttributeValue> item) => new(
        item["id"].S,
        item["pk"].S,
        DateTimeOffset.Parse(item["at"].S, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal),
        long.Parse(item["boot"].N, CultureInfo.InvariantCulture),
        long.Parse(item["seq"].N, CultureInfo.InvariantCulture),
        int.Parse(item["idx"].N, CultureInfo.InvariantCulture),
        item.TryGetValue("slotIn", out var slotIn) ? int.Parse(slotIn.N, CultureInfo.InvariantCulture) : null,
        item.TryGetValue("bIn", out var bIn) ? bIn.S : null,
        item.TryGetValue("socIn", out var socIn) ? double.Parse(socIn.N, CultureInfo.InvariantCulture) : null,
        item.TryGetValue("slotOut", out var slotOut) ? int.Parse(slotOut.N, CultureInfo.InvariantCulture) : null,
        item.TryGetValue("bOut", out var bOut) ? bOut.S : null,
        item.TryGetValue("socOut", out var socOut) ? double.Parse(socOut.N, CultureInfo.InvariantCulture) : null,
        item.TryGetValue("kwh", out var kwh) ? double.Parse(kwh.N, CultureInfo.InvariantCulture) : null);

    private static AttributeValue Number(double value) => new() { N = value.ToString("R", CultureInfo.InvariantCulture) };

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static void Put(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        // Index keys must be absent rather than empty: the battery indexes are sparse.
        if (!string.IsNullOrEmpty(value))
        {
            item[name] = new AttributeValue { S = value };
        }
    }

    private static void Put(Dictionary<string, AttributeValue> item, string name, double? value)
    {
        if (value is { } v)
        {
            item[name] = Number(v);
        }
    }

    private async Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _init.WaitAsync(cancellationToken);
        try
        {
            if (!_ready)
            {
                if (_options.CreateIfNotExists)
                {
                    await CreateIfMissingAsync(cancellationToken);
                }

                // Waits for a table just created, and checks the key schema of one that exists; never alters it.
                await DynamoDBTables.EnsureTableAsync(_client, Table, "pk", false, _options.TableCreationTimeout, _logger, cancellationToken, rangeKeyName: "sk");
                _logger.LogInformation("Swap ledger in DynamoDB table {Table}", Table);
                _ready = true;
            }
        }
        finally
        {
            _init.Release();
        }
    }

    private async Task CreateIfMissingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.DescribeTableAsync(Table, cancellationToken);
            return;
        }
        catch (ResourceNotFoundException)
        {
        }

        _logger.LogInformation("Creating DynamoDB table {Table} (on-demand billing)", Table);
        GlobalSecondaryIndex Index(string name, string hash) => new()
        {
            IndexName = name,
            KeySchema = [new KeySchemaElement(hash, KeyType.HASH), new KeySchemaElement("sk", KeyType.RANGE)],
            Projection = new Projection { ProjectionType = ProjectionType.ALL },
        };

        try
        {
            await _client.CreateTableAsync(new CreateTableRequest
            {
                TableName = Table,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                KeySchema = [new KeySchemaElement("pk", KeyType.HASH), new KeySchemaElement("sk", KeyType.RANGE)],
                AttributeDefinitions = [.. new[] { "pk", "sk", "day", "bIn", "bOut" }.Select(a => new AttributeDefinition(a, ScalarAttributeType.S))],
                GlobalSecondaryIndexes = [Index(ByDay, "day"), Index(ByBatteryIn, "bIn"), Index(ByBatteryOut, "bOut")],
            }, cancellationToken);
        }
        catch (ResourceInUseException)
        {
            // Another silo created it a moment ago.
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _init.Dispose();
    }
}
