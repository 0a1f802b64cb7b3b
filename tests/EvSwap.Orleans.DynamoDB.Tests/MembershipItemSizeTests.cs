using System.Net;
using Amazon.DynamoDBv2.Model;
using Orleans;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace EvSwap.Orleans.DynamoDB.Tests;

/// <summary>The whole cluster lives in one item bounded by 400 KB; this is the arithmetic behind docs/dynamodb.md.</summary>
public sealed class MembershipItemSizeTests(ITestOutputHelper output)
{
    [Fact]
    public void One_membership_item_holds_at_least_five_hundred_silos_with_two_suspicion_votes_each()
    {
        var address = SiloAddress.New(IPAddress.Parse("10.120.134.201"), 11111, 123456789);
        var entry = new MembershipEntry
        {
            SiloAddress = address,
            Status = SiloStatus.Active,
            HostName = "ip-10-120-134-201.eu-west-1.compute.internal",
            SiloName = "evswap-silo-7f9c2d1e5b",
            RoleName = "EvSwap.Silo",
            ProxyPort = 30000,
            StartTime = DateTime.UtcNow,
            IAmAliveTime = DateTime.UtcNow,
            SuspectTimes =
            [
                Tuple.Create(SiloAddress.New(IPAddress.Parse("10.120.135.17"), 11111, 123456790), DateTime.UtcNow),
                Tuple.Create(SiloAddress.New(IPAddress.Parse("10.120.136.99"), 11111, 123456791), DateTime.UtcNow),
            ],
        };

        var rowBytes = DynamoDBGrainStorage.EstimateItemSize(new Dictionary<string, AttributeValue>
        {
            [MembershipItem.RowKey(address)] = MembershipItem.EncodeRow(entry, MembershipItem.NewETag()),
        });
        var capacity = (DynamoDBGrainStorage.MaxItemBytes - 1024) / rowBytes;
        output.WriteLine($"one silo row: {rowBytes} bytes; rows per item: {capacity}");

        Assert.True(capacity >= 500, $"a row takes {rowBytes} bytes, so only {capacity} silos fit");
    }
}
