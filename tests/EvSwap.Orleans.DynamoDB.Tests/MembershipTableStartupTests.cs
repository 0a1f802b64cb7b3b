using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EvSwap.Orleans.DynamoDB.Tests;

/// <summary>What an operator sees when the membership table or its settings are missing: a startup error that says what to set.</summary>
public sealed class MembershipTableStartupTests(DynaliteFixture dynalite) : IClassFixture<DynaliteFixture>
{
    [Fact]
    public async Task Missing_table_is_a_clear_startup_error_unless_creation_is_asked_for()
    {
        var options = dynalite.Configure(new DynamoDBClusteringOptions { MembershipTableName = DynaliteFixture.UniqueName("missing") });
        options.CreateIfNotExists = false;
        using var table = new DynamoDBMembershipTable(Options.Create(options), MembershipTableConformanceTests.ClusterOptions("c"), NullLogger<DynamoDBMembershipTable>.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => table.InitializeMembershipTableAsync(true, CancellationToken.None));
        Assert.Contains(options.MembershipTableName, error.Message);
        Assert.Contains("CreateIfNotExists", error.Message);
    }

    [Fact]
    public void Options_without_region_or_endpoint_are_rejected_with_a_message_that_says_what_to_set()
    {
        var error = Assert.Throws<DynamoDBOptionsException>(() => new DynamoDBMembershipTable(
            Options.Create(new DynamoDBClusteringOptions { MembershipTableName = "x" }), MembershipTableConformanceTests.ClusterOptions("c"), NullLogger<DynamoDBMembershipTable>.Instance));

        Assert.Contains("DynamoDB:Region", error.Message);
        Assert.Contains("DynamoDB:MembershipTableName 'x'", error.Message);
    }
}
