using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;

namespace EvSwap.Orleans.DynamoDB;

/// <summary>
/// Lets an external Orleans client find gateways: the active silos of the cluster item that have a gateway port.
/// Read-only; it never creates tables or items.
/// </summary>
public sealed class DynamoDBGatewayListProvider : IGatewayListProvider, IDisposable
{
    private readonly DynamoDBClusteringOptions _options;
    private readonly ILogger<DynamoDBGatewayListProvider> _logger;
    private readonly IAmazonDynamoDB _client;
    private readonly string _key;

    public DynamoDBGatewayListProvider(IOptions<DynamoDBClusteringOptions> options, IOptions<ClusterOptions> clusterOptions, IOptions<GatewayOptions> gatewayOptions, ILogger<DynamoDBGatewayListProvider> logger)
    {
        _options = options.Value;
        DynamoDBOptionsException.ThrowIfInvalid("the gateway list", _options.Validate());
        _logger = logger;
        _key = MembershipItem.KeyOf(clusterOptions.Value.ServiceId, clusterOptions.Value.ClusterId);
        MaxStaleness = gatewayOptions.Value.GatewayListRefreshPeriod;
        _client = DynamoDBTables.CreateClient(_options);
    }

    public TimeSpan MaxStaleness { get; }

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => InitializeGatewayListProviderAsync(CancellationToken.None);

    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Looking for gateways in DynamoDB table {Table}, item {Key}", _options.MembershipTableName, _key);
        return Task.CompletedTask;
    }

    public Task<IList<Uri>> GetGateways() => GetGatewaysAsync(CancellationToken.None);

    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken)
    {
        DynamoDBTables.Count("membership", "GetItem", _options.MembershipTableName);
        var response = await _client.GetItemAsync(new GetItemRequest
        {
            TableName = _options.MembershipTableName,
            Key = MembershipItem.KeyAttributes(_key),
            ConsistentRead = true,
        }, cancellationToken);

        return MembershipItem.Decode(response.Item).Members
            .Select(row => row.Item1)
            .Where(e => e.Status == SiloStatus.Active && e.ProxyPort != 0)
            .Select(e => SiloAddress.New(new IPEndPoint(e.SiloAddress.Endpoint.Address, e.ProxyPort), e.SiloAddress.Generation).ToGatewayUri())
            .ToList();
    }

    public void Dispose() => _client.Dispose();
}
