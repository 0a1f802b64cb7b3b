using System.Text.Json.Nodes;

namespace EvSwap.Infra.Tests;

/// <summary>The security promises of docs/ and the issue, checked on the templates themselves.</summary>
public class SecurityTests
{
    // Actions that AWS does not authorise per resource: "*" is the narrowest possible resource for them.
    private static readonly HashSet<string> NoResourceLevelPermissions = ["ecr:GetAuthorizationToken"];

    private static JsonObject Compute => (JsonObject)Repo.Template("compute.yaml").Template!;

    private static IEnumerable<JsonObject> Statements(JsonObject role) =>
        role["Properties"]!["Policies"]!.AsArray()
            .SelectMany(p => p!["PolicyDocument"]!["Statement"]!.AsArray()).Cast<JsonObject>();

    private static IEnumerable<string> Strings(JsonNode? n) => n switch
    {
        JsonArray a => a.SelectMany(Strings),
        JsonObject o when o.Count == 1 && o["Fn::Sub"] is JsonValue sub => [(string)sub!],
        JsonValue v => [(string)v!],
        null => [],
        _ => [n.ToJsonString()],
    };

    [Fact]
    public void Task_role_grants_no_wildcard_action_and_no_wildcard_resource()
    {
        var role = Repo.Template("compute.yaml").Resource("TaskRole");
        Assert.Empty(role["Properties"]!["ManagedPolicyArns"]?.AsArray() ?? []);
        foreach (var s in Statements(role))
        {
            Assert.Equal("Allow", (string?)s["Effect"]);
            Assert.All(Strings(s["Action"]), a => Assert.False(a == "*" || a.EndsWith(":*"), $"wildcard action {a}"));
            Assert.All(Strings(s["Resource"]), r => Assert.NotEqual("*", r));
            Assert.Null(s["NotAction"]);
            Assert.Null(s["NotResource"]);
        }
    }

    [Fact]
    public void Task_role_reaches_only_the_named_tables_and_the_archive_prefixes()
    {
        var statements = Statements(Repo.Template("compute.yaml").Resource("TaskRole")).ToList();
        var dynamo = statements.Single(s => (string?)s["Sid"] == "OrleansTables");
        Assert.DoesNotContain("dynamodb:CreateTable", Strings(dynamo["Action"]));
        Assert.All(Strings(dynamo["Resource"]), r => Assert.Matches(@"table/\$\{(MembershipTableName|GrainStateTableName)\}""?", r));
        foreach (var s in statements.Where(s => Strings(s["Action"]).Any(a => a.StartsWith("s3:"))))
        {
            var actions = Strings(s["Action"]).ToList();
            if (actions.SequenceEqual(["s3:ListBucket"]))
            {
                Assert.All(Strings(s["Resource"]), r => Assert.EndsWith(":s3:::${ArchiveBucketName}", r));
                Assert.All(Strings(s["Condition"]!["StringLike"]!["s3:prefix"]), p => Assert.Matches("^((telemetry|rejected)/v1/|ingest-log/)", p));
            }
            else if ((string?)s["Sid"] == "IngestLog")
            {
                // Only the ingest log's own objects may be deleted: the archive is written, never deleted.
                Assert.Equal(["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], actions.Order());
                Assert.All(Strings(s["Resource"]), r => Assert.EndsWith("/ingest-log/*", r));
            }
            else
            {
                Assert.All(actions, a => Assert.Contains(a, new[] { "s3:PutObject", "s3:GetObject" }));
                Assert.All(Strings(s["Resource"]), r => Assert.Matches(@"/(telemetry|rejected)/v1/\*", r));
            }
        }
    }

    [Fact]
    public void Task_role_may_only_read_take_renew_and_release_client_id_leases_in_their_own_table()
    {
        var leases = Statements(Repo.Template("compute.yaml").Resource("TaskRole")).Single(s => (string?)s["Sid"] == "BridgeClientIdLeases");
        Assert.Equal(["dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:Query", "dynamodb:UpdateItem"], Strings(leases["Action"]).Order());
        Assert.Matches(@"table/\$\{ClientIdLeaseTableName\}$", Strings(leases["Resource"]).Single());
    }

    [Fact]
    public void Task_role_may_only_batch_put_and_query_swap_records_in_the_swap_table_and_its_indexes()
    {
        var ledger = Statements(Repo.Template("compute.yaml").Resource("TaskRole")).Single(s => (string?)s["Sid"] == "SwapLedger");
        Assert.Equal(["dynamodb:BatchWriteItem", "dynamodb:DescribeTable", "dynamodb:Query"], Strings(ledger["Action"]).Order());
        Assert.All(Strings(ledger["Resource"]), r => Assert.Matches(@"table/\$\{SwapTableName\}(/index/\*)?$", r));
    }

    [Fact]
    public void Execution_role_uses_a_star_resource_only_for_actions_without_resource_level_permissions()
    {
        var role = Repo.Template("compute.yaml").Resource("ExecutionRole");
        foreach (var s in Statements(role))
        {
            var actions = Strings(s["Action"]).ToList();
            Assert.All(actions, a => Assert.False(a == "*" || a.EndsWith(":*"), $"wildcard action {a}"));
            if (Strings(s["Resource"]).Contains("*"))
                Assert.All(actions, a => Assert.Contains(a, NoResourceLevelPermissions));
        }
        var secret = Statements(role).Single(s => Strings(s["Action"]).Contains("secretsmanager:GetSecretValue"));
        Assert.Equal("""{"Ref":"BridgeSecretArn"}""", Strings(secret["Resource"]).Single());
    }

    [Fact]
    public void Dynamodb_tables_have_pitr_encryption_deletion_protection_and_survive_stack_deletion()
    {
        var tables = Repo.Template("data.yaml").ResourcesOfType("AWS::DynamoDB::Table").ToList();
        Assert.Equal(4, tables.Count); // membership, grain state, client id leases, swap ledger
        foreach (var (id, t) in tables)
        {
            Assert.Equal("Retain", (string?)t["DeletionPolicy"]);
            Assert.Equal("Retain", (string?)t["UpdateReplacePolicy"]);
            var p = t["Properties"]!;
            Assert.True((bool)p["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!, id);
            Assert.True((bool)p["SSESpecification"]!["SSEEnabled"]!, id);
            Assert.True((bool)p["DeletionProtectionEnabled"]!, id);
            Assert.Equal("PAY_PER_REQUEST", (string?)p["BillingMode"]);
        }
    }

    [Fact]
    public void Archive_bucket_is_encrypted_private_retained_and_reachable_only_over_tls()
    {
        var data = Repo.Template("data.yaml");
        var (id, bucket) = data.ResourcesOfType("AWS::S3::Bucket").Single();
        Assert.Equal("Retain", (string?)bucket["DeletionPolicy"]);
        Assert.Equal("Retain", (string?)bucket["UpdateReplacePolicy"]);
        var p = bucket["Properties"]!;
        Assert.NotNull(p["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]);
        foreach (var flag in new[] { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" })
            Assert.True((bool)p["PublicAccessBlockConfiguration"]![flag]!, flag);
        Assert.Contains(p["LifecycleConfiguration"]!["Rules"]!.AsArray(), r => r!["Transitions"] != null);

        var policy = data.ResourcesOfType("AWS::S3::BucketPolicy").Single().Body["Properties"]!;
        Assert.Equal(id, (string?)policy["Bucket"]!["Ref"]);
        var deny = policy["PolicyDocument"]!["Statement"]!.AsArray().Single(s => s!["Condition"]?["Bool"]?["aws:SecureTransport"] != null)!;
        Assert.Equal("Deny", (string?)deny["Effect"]);
        Assert.Equal("false", (string?)deny["Condition"]!["Bool"]!["aws:SecureTransport"]);
        Assert.Equal("s3:*", (string?)deny["Action"]);
        Assert.Equal(2, deny["Resource"]!.AsArray().Count);
    }

    [Fact]
    public void Security_groups_let_only_the_load_balancer_reach_the_api_and_only_silos_reach_silo_ports()
    {
        var t = Repo.Template("compute.yaml");
        var ingress = t.ResourcesOfType("AWS::EC2::SecurityGroupIngress").Select(r => r.Body["Properties"]!).ToList();
        var siloIngress = ingress.Where(i => (string?)i["GroupId"]!["Ref"] == "SiloSecurityGroup").ToList();
        Assert.Null(t.Resource("SiloSecurityGroup")["Properties"]!["SecurityGroupIngress"]);
        Assert.Equal(3, siloIngress.Count);
        Assert.Contains(siloIngress, i => (int)i["FromPort"]! == 8080 && (int)i["ToPort"]! == 8080 && (string?)i["SourceSecurityGroupId"]!["Ref"] == "LoadBalancerSecurityGroup");
        Assert.Contains(siloIngress, i => (int)i["FromPort"]! == 11111 && (int)i["ToPort"]! == 11111 && (string?)i["SourceSecurityGroupId"]!["Ref"] == "SiloSecurityGroup");
        Assert.Contains(siloIngress, i => (int)i["FromPort"]! == 30000 && (int)i["ToPort"]! == 30000 && (string?)i["SourceSecurityGroupId"]!["Ref"] == "SiloSecurityGroup");
        Assert.All(siloIngress, i => Assert.Null(i["CidrIp"]));

        var lbEgress = t.ResourcesOfType("AWS::EC2::SecurityGroupEgress").Select(r => r.Body["Properties"]!)
            .Where(e => (string?)e["GroupId"]!["Ref"] == "LoadBalancerSecurityGroup").ToList();
        Assert.Equal(8080, (int)lbEgress.Single()["FromPort"]!);
        var inlineLbEgress = t.Resource("LoadBalancerSecurityGroup")["Properties"]!["SecurityGroupEgress"]!.AsArray().Single()!;
        Assert.Equal("255.255.255.255/32", (string?)inlineLbEgress["CidrIp"]);
        var siloInlineEgress = t.Resource("SiloSecurityGroup")["Properties"]!["SecurityGroupEgress"]!.AsArray();
        Assert.All(siloInlineEgress, e => Assert.Equal(443, (int)e!["FromPort"]!));
    }

    [Fact]
    public void Station_policy_lets_a_station_connect_only_as_its_own_thing_publish_only_its_own_topics_and_receive_only_its_own_commands()
    {
        var doc = Repo.Template("iot.yaml").Resource("StationPolicy")["Properties"]!["PolicyDocument"]!;
        var statements = doc["Statement"]!.AsArray().Cast<JsonObject>().ToList();
        Assert.All(statements, s => Assert.Equal("Allow", (string?)s["Effect"]));
        Assert.Equal(["iot:Connect", "iot:Publish", "iot:Receive", "iot:Subscribe"], statements.SelectMany(s => Strings(s["Action"])).Order().ToArray());
        var connect = statements.Single(s => (string?)s["Action"] == "iot:Connect");
        Assert.EndsWith(":client/${!iot:Connection.Thing.ThingName}", (string)connect["Resource"]!["Fn::Sub"]!);
        Assert.Equal("true", (string?)connect["Condition"]!["Bool"]!["iot:Connection.Thing.IsAttached"]);
        string[] Resources(string action) => [.. statements.Where(s => (string?)s["Action"] == action).SelectMany(s => Strings(s["Resource"]))];
        const string own = "evswap/v1/stations/${!iot:Connection.Thing.ThingName}/";
        Assert.Equal([$":topic/{own}command-results", $":topic/{own}telemetry"], Resources("iot:Publish").Select(Tail).Order().ToArray());
        Assert.Equal([$":topicfilter/{own}commands"], Resources("iot:Subscribe").Select(Tail).ToArray());
        Assert.Equal([$":topic/{own}commands"], Resources("iot:Receive").Select(Tail).ToArray());
    }

    /// <summary>The resource ARN from its account onwards (":topic/...").</summary>
    private static string Tail(string arn) => arn[arn.IndexOf(":topic", StringComparison.Ordinal)..];

    [Fact]
    public void Bridge_policy_allows_only_bridge_client_ids_the_shared_filters_their_receive_and_publishing_commands()
    {
        var doc = Repo.Template("iot.yaml").Resource("BridgePolicy")["Properties"]!["PolicyDocument"]!;
        var byAction = doc["Statement"]!.AsArray().Cast<JsonObject>()
            .ToDictionary(s => (string)s["Action"]!, s => Strings(s["Resource"]).ToList());
        Assert.Equal(["iot:Connect", "iot:Publish", "iot:Receive", "iot:Subscribe"], byAction.Keys.Order().ToArray());
        Assert.Contains(":client/${BridgeClientIdPrefix}*", string.Join(" ", byAction["iot:Connect"]));
        Assert.Equal([":topicfilter/$share/${SharedGroup}/evswap/v1/stations/+/command-results", ":topicfilter/$share/${SharedGroup}/evswap/v1/stations/+/telemetry"],
            byAction["iot:Subscribe"].Select(Tail).Order().ToArray());
        Assert.Equal([":topic/evswap/v1/stations/*/command-results", ":topic/evswap/v1/stations/*/telemetry"], byAction["iot:Receive"].Select(Tail).Order().ToArray());
        Assert.Equal([":topic/evswap/v1/stations/*/commands"], byAction["iot:Publish"].Select(Tail).ToArray());
    }
}
