using System.Text.Json.Nodes;

namespace EvSwap.Infra.Tests;

/// <summary>What containers and the task definition set for logs and traces.</summary>
public class ObservabilityDeploymentTests
{
    private static Dictionary<string, string> SiloEnvironment()
    {
        var silo = (JsonObject)Repo.Template("compute.yaml").Resource("TaskDefinition")["Properties"]!["ContainerDefinitions"]!
            .AsArray().Single(c => (string?)c!["Name"] == "silo")!;
        return silo["Environment"]!.AsArray().ToDictionary(e => (string)e!["Name"]!, e => e!["Value"]!.ToJsonString().Trim('"'));
    }

    [Fact]
    public void Silo_image_writes_json_log_lines_with_their_scopes()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Repo.DockerDir, "Dockerfile.silo"));
        Assert.Contains("Logging__Console__FormatterName=json", dockerfile);
        Assert.Contains("Logging__Console__FormatterOptions__IncludeScopes=true", dockerfile);
    }

    [Fact]
    public void Task_definition_logs_json_and_keeps_traces_off_while_its_collector_has_no_trace_pipeline()
    {
        var env = SiloEnvironment();
        Assert.Equal("json", env["Logging__Console__FormatterName"]);
        Assert.Equal("true", env["Logging__Console__FormatterOptions__IncludeScopes"]);

        var collector = Repo.Template("compute.yaml").Resource("TaskDefinition")["Properties"]!["ContainerDefinitions"]!.ToJsonString();
        var tracesPipeline = collector.Contains("traces:", StringComparison.Ordinal);
        Assert.Equal(tracesPipeline ? "true" : "false", env["Telemetry__Tracing"]);
    }
}
