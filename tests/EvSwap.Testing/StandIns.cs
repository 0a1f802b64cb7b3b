namespace EvSwap.Testing;

/// <summary>Where the npm-installed stand-ins live: <c>tests/standins/node_modules</c>, installed by the test command.</summary>
public static class StandIns
{
    public static string Directory { get; } = Locate();

    public static string NodeBin(string tool)
    {
        var path = Path.Combine(Directory, "node_modules", ".bin", tool);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{tool} is not installed: run 'npm ci' in tests/standins (the README's test command does).", path);
        }

        return path;
    }

    /// <summary>Starts dynalite (DynamoDB API) in memory on a free loopback port.</summary>
    public static Task<StandInProcess> StartDynaliteAsync()
    {
        var port = FreePort.Next();
        return StandInProcess.StartAsync("dynalite", "node", [NodeBin("dynalite"), "--host", "127.0.0.1", "--port", port.ToString(), "--createTableMs", "50", "--deleteTableMs", "50"], port);
    }

    /// <summary>Starts s3rver (S3 API) on a free loopback port with its files in <paramref name="directory"/>.</summary>
    public static Task<StandInProcess> StartS3rverAsync(string directory, int? port = null)
    {
        var p = port ?? FreePort.Next();
        System.IO.Directory.CreateDirectory(directory);
        return StandInProcess.StartAsync("s3rver", "node", [NodeBin("s3rver"), "--address", "127.0.0.1", "--port", p.ToString(), "--directory", directory, "--silent"], p);
    }

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "standins");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/standins was not found above " + AppContext.BaseDirectory);
    }
}
