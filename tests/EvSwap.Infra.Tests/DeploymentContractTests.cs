using System.Text.Json.Nodes;

namespace EvSwap.Infra.Tests;

/// <summary>What the task definition promises the silo: the configuration keys of DESIGN.md, secrets, drain time.</summary>
public class DeploymentContractTests
{
    private static JsonObject Silo =>
        (JsonObject)Repo.Template("compute.yaml").Resource("TaskDefinition")["Properties"]!["ContainerDefinitions"]!
            .AsArray().Single(c => (string?)c!["Name"] == "silo")!;

    [Fact]
    public void Task_definition_configures_every_aws_provider_by_environment_variable()
    {
        var env = Silo["Environment"]!.AsArray().ToDictionary(e => (string)e!["Name"]!, e => e!["Value"]!.ToJsonString());
        var expected = new Dictionary<string, string?>
        {
            ["Mqtt__Mode"] = "External", ["Mqtt__Port"] = "443", ["Mqtt__Tls__Alpn"] = "x-amzn-mqtt-ca",
            ["Clustering__Provider"] = "DynamoDB", ["GrainStorage__Provider"] = "DynamoDB", ["DynamoDB__CreateIfNotExists"] = "false",
            ["Archive__Provider"] = "S3", ["Auth__Mode"] = "Jwt", ["Orleans__AdvertisedIp"] = "auto",
            ["Mqtt__Host"] = null, ["Mqtt__Connections"] = null, ["Mqtt__SharedGroup"] = null, ["Orleans__ClusterId"] = null,
            ["Orleans__ServiceId"] = null, ["Orleans__SiloPort"] = "11111", ["Orleans__GatewayPort"] = "30000",
            ["DynamoDB__Region"] = null, ["DynamoDB__MembershipTableName"] = null, ["DynamoDB__GrainStateTableName"] = null,
            ["DynamoDB__ClientIdLeaseTableName"] = null, ["DynamoDB__SwapTableName"] = null, ["Ledger__Provider"] = "DynamoDB",
            ["S3__Bucket"] = null, ["S3__Region"] = null, ["Auth__Authority"] = null, ["Auth__Audience"] = null,
        };
        foreach (var (name, value) in expected)
        {
            Assert.True(env.ContainsKey(name), $"missing {name}");
            if (value != null) Assert.Equal($"\"{value}\"", env[name]);
        }
        Assert.DoesNotContain(env.Keys, k => k.Contains("DynamoDB__ServiceUrl") || k.Contains("S3__ServiceUrl"));
    }

    [Fact]
    public void Tables_declare_the_key_schemas_the_providers_require_at_startup()
    {
        // The providers never alter a table and refuse one with another key: a mismatch would stop every task.
        var expected = new Dictionary<string, string>
        {
            ["MembershipTable"] = "Cluster:S:HASH",
            ["GrainStateTable"] = "Grain:S:HASH",
            ["ClientIdLeaseTable"] = "Pool:S:HASH Slot:N:RANGE",
            ["SwapTable"] = "pk:S:HASH sk:S:RANGE",
        };
        var data = Repo.Template("data.yaml");
        foreach (var (id, keys) in expected)
        {
            var p = data.Resource(id)["Properties"]!;
            var types = p["AttributeDefinitions"]!.AsArray().ToDictionary(a => (string)a!["AttributeName"]!, a => (string)a!["AttributeType"]!);
            var actual = string.Join(" ", p["KeySchema"]!.AsArray().Select(k => $"{(string)k!["AttributeName"]!}:{types[(string)k["AttributeName"]!]}:{(string)k["KeyType"]!}"));
            Assert.Equal(keys, actual);
        }
    }

    [Fact]
    public void Swap_table_declares_the_indexes_the_ledger_queries_by_day_and_by_battery()
    {
        var p = Repo.Template("data.yaml").Resource("SwapTable")["Properties"]!;
        var indexes = p["GlobalSecondaryIndexes"]!.AsArray().ToDictionary(
            i => (string)i!["IndexName"]!,
            i => string.Join(" ", i!["KeySchema"]!.AsArray().Select(k => $"{(string)k!["AttributeName"]!}:{(string)k["KeyType"]!}")));
        Assert.Equal(new Dictionary<string, string>
        {
            ["by-day"] = "day:HASH sk:RANGE",
            ["by-battery-in"] = "bIn:HASH sk:RANGE",
            ["by-battery-out"] = "bOut:HASH sk:RANGE",
        }, indexes);
    }

    [Fact]
    public void Bridge_certificate_comes_from_secrets_manager_never_from_plain_environment()
    {
        var secrets = Silo["Secrets"]!.AsArray().ToDictionary(s => (string)s!["Name"]!, s => s!["ValueFrom"]!.ToJsonString());
        Assert.Contains("${BridgeSecretArn}:certPem::", secrets["Mqtt__Tls__CertPem"]);
        Assert.Contains("${BridgeSecretArn}:keyPem::", secrets["Mqtt__Tls__KeyPem"]);
        Assert.DoesNotContain(Silo["Environment"]!.AsArray(), e => ((string)e!["Name"]!).Contains("Pem"));
    }

    [Fact]
    public void Silo_gets_the_longest_fargate_stop_timeout_and_the_load_balancer_drains_first()
    {
        Assert.Equal(120, (int)Silo["StopTimeout"]!);
        var tg = Repo.Template("compute.yaml").Resource("TargetGroup")["Properties"]!;
        Assert.Equal("/health/ready", (string?)tg["HealthCheckPath"]);
        var delay = tg["TargetGroupAttributes"]!.AsArray().Single(a => (string?)a!["Key"] == "deregistration_delay.timeout_seconds")!;
        Assert.True(int.Parse((string)delay["Value"]!) < 120);
        Assert.Equal("awslogs", (string?)Silo["LogConfiguration"]!["LogDriver"]);
        Assert.Contains("/health/live", Silo["HealthCheck"]!["Command"]!.ToJsonString());
    }

    [Fact]
    public void The_silo_plans_its_shutdown_for_exactly_the_stop_timeout_ecs_gives_it()
    {
        var budget = (string)Silo["Environment"]!.AsArray().Single(e => (string?)e!["Name"] == "Silo__ShutdownTimeout")!["Value"]!;
        Assert.Equal((int)Silo["StopTimeout"]!, TimeSpan.Parse(budget, System.Globalization.CultureInfo.InvariantCulture).TotalSeconds);
    }

    [Fact]
    public void Service_rolls_back_a_failed_deployment_and_scales_on_cpu_and_ingest_rate()
    {
        var t = Repo.Template("compute.yaml");
        var breaker = t.Resource("Service")["Properties"]!["DeploymentConfiguration"]!["DeploymentCircuitBreaker"]!;
        Assert.True((bool)breaker["Enable"]! && (bool)breaker["Rollback"]!);
        var policies = t.ResourcesOfType("AWS::ApplicationAutoScaling::ScalingPolicy")
            .Select(p => p.Body["Properties"]!["TargetTrackingScalingPolicyConfiguration"]!).ToList();
        Assert.Contains(policies, p => (string?)p["PredefinedMetricSpecification"]?["PredefinedMetricType"] == "ECSServiceAverageCPUUtilization");
        Assert.Contains(policies, p => (string?)p["CustomizedMetricSpecification"]?["MetricName"] == "evswap.bridge.received");
    }

    [Fact]
    public void Alarms_cover_over_temperature_rejections_lag_archive_failures_stuck_log_replay_api_errors_and_unhealthy_tasks()
    {
        var alarms = Repo.Template("compute.yaml").ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => a.Body.ToJsonString()).ToList();
        foreach (var metric in new[] { "evswap.alerts.raised", "evswap.bridge.rejected", "evswap.bridge.lag", "evswap.archive.write_failures", "evswap.log.replay_pending", "HTTPCode_Target_5XX_Count", "UnHealthyHostCount" })
            Assert.Contains(alarms, a => a.Contains($"\"{metric}\""));
        Assert.All(alarms, a => Assert.Contains("AlarmTopic", a));
    }
}
