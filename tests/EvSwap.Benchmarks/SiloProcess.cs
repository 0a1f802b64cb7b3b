using System.Diagnostics;
using System.Globalization;
using EvSwap.Testing;

namespace EvSwap.Benchmarks;

/// <summary>
/// The Release silo as its own process, on free loopback ports, in its own working directory. Being a separate
/// process is the point: its CPU time and RSS are read from /proc without the simulator's share mixed in.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private SiloProcess(Process process, string directory, int apiPort, int mqttPort, StreamWriter log)
    {
        _process = process;
        Directory = directory;
        ApiPort = apiPort;
        MqttPort = mqttPort;
        _log = log;
    }

    public string Directory { get; }
    public int ApiPort { get; }
    public int MqttPort { get; }
    public int ProcessId => _process.Id;
    public string ApiUrl => $"http://127.0.0.1:{ApiPort}";
    public string LogFile => Path.Combine(Directory, "silo.log");

    public static string DllPath => Path.Combine(Repo.Root, "src", "EvSwap.Silo", "bin", "Release", "net10.0", "EvSwap.Silo.dll");

    /// <param name="settings">Configuration as command-line keys (Archive:Provider=S3 ...), added after the defaults.</param>
    /// <param name="mqttPort">External mode: the broker's port; embedded mode: null picks a free one.</param>
    /// <param name="environment">Variables for the silo's runtime (DOTNET_TC_QuickJit=1 ...), beside the ones inherited.</param>
    public static async Task<SiloProcess> StartAsync(string name, string workRoot, IEnumerable<string> settings, int? mqttPort = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException("Build the silo first: dotnet build EvSwap.sln -c Release", DllPath);
        }

        var directory = Path.Combine(workRoot, name);
        System.IO.Directory.CreateDirectory(directory);
        var apiPort = FreePort.Next();
        var mqtt = mqttPort ?? FreePort.Next();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        info.ArgumentList.Add(DllPath);
        foreach (var a in new[]
        {
            $"--urls=http://127.0.0.1:{apiPort}",
            $"--Mqtt:Port={mqtt}",
            $"--Orleans:SiloPort={FreePort.Next()}",
            $"--Orleans:GatewayPort={FreePort.Next()}",
            $"--Orleans:ClusterId=bench-{name}",
            "--Logging:LogLevel:Default=Warning",
            // The verifier and the latency probe are one client each; the default per-client limit would throttle them.
            "--RateLimit:PermitsPerSecond=1000000",
            "--RateLimit:Burst=1000000",
        }.Concat(settings.Select(s => "--" + s)))
        {
            info.ArgumentList.Add(a);
        }

        var log = new StreamWriter(Path.Combine(directory, "silo.log")) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the silo");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(process, directory, apiPort, mqtt, log);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var lastAnswer = "";
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"silo '{name}' exited with {process.ExitCode}; see {silo.LogFile}:\n{File.ReadAllText(silo.LogFile)}");
            }

            try
            {
                using var response = await http.GetAsync($"{silo.ApiUrl}/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return silo;
                }

                lastAnswer = await response.Content.ReadAsStringAsync();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        await silo.DisposeAsync();
        throw new TimeoutException($"silo '{name}' was not ready within 90 s: {lastAnswer}\n{string.Join('\n', File.ReadLines(silo.LogFile).TakeLast(30))}");
    }

    public ProcessSample Sample() => ProcessSample.Read(_process.Id);

    /// <summary>SIGTERM, as ECS stops a task: the silo drains the bridge and flushes every station before it exits.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        EvSwap.Testing.Signals.Terminate(_process.Id);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}

/// <summary>CPU time (user + system) and resident memory of one process, from /proc.</summary>
public readonly record struct ProcessSample(DateTime At, double CpuSeconds, long RssBytes)
{
    // USER_HZ is 100 on every Linux the .NET SDK supports; /proc reports CPU times in those ticks.
    private const double TicksPerSecond = 100;

    public static ProcessSample Read(int pid)
    {
        // Fields after the parenthesised command name (which may contain spaces): state is [0], utime [11], stime [12].
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        var rssKb = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return new ProcessSample(DateTime.UtcNow, cpu, long.Parse(rssKb, CultureInfo.InvariantCulture) * 1024);
    }

    /// <summary>Average cores busy between two samples (1.0 = one core fully used).</summary>
    public static double Cores(ProcessSample from, ProcessSample to) =>
        (to.CpuSeconds - from.CpuSeconds) / Math.Max(0.001, (to.At - from.At).TotalSeconds);
}

public static class Repo
{
    public static string Root { get; } = Locate();

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EvSwap.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("EvSwap.sln was not found above " + AppContext.BaseDirectory);
    }
}
