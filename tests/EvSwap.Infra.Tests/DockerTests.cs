using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace EvSwap.Infra.Tests;

/// <summary>docker/ checked offline: no Docker engine is available, so compose is validated by docker-compose config
/// and the Dockerfiles by reading them against the repository.</summary>
public class DockerTests
{
    public static IEnumerable<object[]> Dockerfiles() =>
    [
        ["Dockerfile.silo", "src/EvSwap.Silo/EvSwap.Silo.csproj", "mcr.microsoft.com/dotnet/aspnet:10.0"],
        ["Dockerfile.simulator", "src/EvSwap.Simulator/EvSwap.Simulator.csproj", "mcr.microsoft.com/dotnet/runtime:10.0"],
    ];

    [Fact]
    public void Compose_file_is_valid_for_docker_compose()
    {
        // The test command installs docker-compose from apt; a machine without it must fail here, not skip.
        var (code, stdout, stderr) = Repo.Run("docker-compose", ["-f", Path.Combine(Repo.DockerDir, "compose.yaml"), "config"], Repo.DockerDir);
        Assert.True(code == 0, stderr);
        foreach (var service in new[] { "mosquitto:", "dynamodb:", "minio:", "silo1:", "silo2:", "simulator:" })
            Assert.Contains("  " + service, stdout);
        Assert.Contains("Mqtt__Mode: External", stdout);
        Assert.Contains("Clustering__Provider: DynamoDB", stdout);
        Assert.Contains("Archive__Provider: S3", stdout);
    }

    [Fact]
    public void Compose_mounts_only_config_files_that_exist_in_docker()
    {
        var compose = File.ReadAllText(Path.Combine(Repo.DockerDir, "compose.yaml"));
        foreach (Match m in Regex.Matches(compose, @"- \./([\w.\-/]+):"))
            Assert.True(File.Exists(Path.Combine(Repo.DockerDir, m.Groups[1].Value)), m.Groups[1].Value);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_is_multi_stage_and_runs_as_a_non_root_user(string dockerfile, string project, string runtimeImage)
    {
        var lines = Instructions(dockerfile);
        var froms = lines.Where(l => l.StartsWith("FROM ")).ToList();
        Assert.True(froms.Count >= 2, "multi-stage build");
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 ", froms[0]);
        Assert.StartsWith("FROM " + runtimeImage + " ", froms[^1]);
        Assert.Contains(lines, l => l.StartsWith("COPY --from="));
        var user = lines.Last(l => l.StartsWith("USER "))["USER ".Length..].Trim();
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.True(lines.FindLastIndex(l => l.StartsWith("USER ")) > lines.FindLastIndex(l => l.StartsWith("FROM ")));
        Assert.Contains(lines, l => l.StartsWith("ENTRYPOINT [")); // exec form: the app is PID 1 and gets SIGTERM
        Assert.Contains(lines, l => l.Contains(project) && l.Contains("dotnet publish"));
        Assert.True(File.Exists(Path.Combine(Repo.DockerDir, dockerfile + ".dockerignore")), "Dockerfile-specific ignore file");
    }

    [Fact]
    public void Silo_image_exposes_api_silo_gateway_and_mqtt_ports()
    {
        var expose = Instructions("Dockerfile.silo").Single(l => l.StartsWith("EXPOSE "));
        Assert.Equal([1883, 8080, 11111, 30000], expose.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(int.Parse).Order().ToArray());
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_copies_only_paths_that_exist_in_the_repository(string dockerfile, string project, string runtimeImage)
    {
        _ = runtimeImage;
        Assert.True(File.Exists(Path.Combine(Repo.Root, project)), $"{project} (published by {dockerfile}) does not exist yet");
        foreach (var source in CopySources(dockerfile))
            Assert.True(File.Exists(Path.Combine(Repo.Root, source)) || Directory.Exists(Path.Combine(Repo.Root, source)), $"{dockerfile}: COPY {source}");
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_restore_layer_copies_every_project_the_published_project_references(string dockerfile, string project, string runtimeImage)
    {
        _ = runtimeImage;
        var copied = CopySources(dockerfile).ToHashSet();
        var missing = ProjectClosure(project).Where(p => !copied.Contains(p)).ToList();
        Assert.True(missing.Count == 0, $"{dockerfile} must COPY before restore: {string.Join(", ", missing)}");
    }

    private static List<string> Instructions(string dockerfile)
    {
        var text = File.ReadAllText(Path.Combine(Repo.DockerDir, dockerfile)).Replace("\\\n", " ");
        return text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
    }

    private static IEnumerable<string> CopySources(string dockerfile) =>
        Instructions(dockerfile)
            .Where(l => l.StartsWith("COPY ") && !l.Contains("--from="))
            .SelectMany(l => { var parts = l.Split(' ', StringSplitOptions.RemoveEmptyEntries); return parts[1..^1]; })
            .Select(s => s.TrimEnd('/'));

    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>();
        var todo = new Stack<string>([project]);
        while (todo.Count > 0)
        {
            var p = todo.Pop();
            if (!seen.Add(p) || !File.Exists(Path.Combine(Repo.Root, p))) continue;
            var dir = Path.GetDirectoryName(p)!;
            foreach (var r in XDocument.Load(Path.Combine(Repo.Root, p)).Descendants("ProjectReference"))
                todo.Push(Path.GetRelativePath(Repo.Root, Path.GetFullPath(Path.Combine(Repo.Root, dir, (string)r.Attribute("Include")!))).Replace('\\', '/'));
        }
        return seen;
    }
}
