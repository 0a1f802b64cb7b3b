using System.Text;

namespace EvSwap.Testing;

/// <summary>
/// mosquitto (Debian package) as a test broker: a generated config on a free loopback port, tuned as DESIGN.md
/// says (its defaults drop messages under load), optionally with mutual TLS and with persistence so a restart
/// keeps sessions and queued messages like IoT Core does.
/// </summary>
public sealed class Mosquitto : IAsyncDisposable
{
    private readonly string _configFile;
    private StandInProcess? _process;

    private Mosquitto(string directory, int port, string configFile)
    {
        Directory = directory;
        Port = port;
        _configFile = configFile;
    }

    public string Directory { get; }
    public int Port { get; }
    public bool IsRunning => _process is { HasExited: false };
    public string Output => _process?.Output ?? "";

    public static string Executable { get; } = new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists)
        ?? "mosquitto";

    /// <param name="tls">CA and server certificate: clients must then present a certificate from that CA.</param>
    /// <param name="persistence">Keep sessions and queued messages across <see cref="RestartAsync"/>.</param>
    public static async Task<Mosquitto> StartAsync(string directory, (string CaFile, PemPair Server)? tls = null, bool persistence = false, int? port = null)
    {
        System.IO.Directory.CreateDirectory(directory);
        var p = port ?? FreePort.Next();
        var config = new StringBuilder()
            .AppendLine($"listener {p} 127.0.0.1")
            .AppendLine("max_queued_messages 0")
            .AppendLine("max_inflight_messages 1000")
            .AppendLine("set_tcp_nodelay true")
            .AppendLine("log_dest stderr")
            .AppendLine("log_type error")
            .AppendLine("log_type warning");
        if (Environment.UserName == "root")
        {
            // Otherwise mosquitto drops to the 'mosquitto' user, which cannot read the test's files.
            config.AppendLine("user root");
        }

        if (persistence)
        {
            config.AppendLine("persistence true").AppendLine($"persistence_location {directory}/");
        }

        if (tls is { } t)
        {
            config.AppendLine($"cafile {t.CaFile}")
                .AppendLine($"certfile {t.Server.CertFile}")
                .AppendLine($"keyfile {t.Server.KeyFile}")
                .AppendLine("require_certificate true")
                .AppendLine("use_identity_as_username true");
        }
        else
        {
            config.AppendLine("allow_anonymous true");
        }

        var configFile = Path.Combine(directory, $"mosquitto-{p}.conf");
        await File.WriteAllTextAsync(configFile, config.ToString());
        var broker = new Mosquitto(directory, p, configFile);
        await broker.StartProcessAsync();
        return broker;
    }

    /// <summary>Stops the broker with SIGTERM, which makes mosquitto save its persistence file, then starts it again on the same port.</summary>
    public async Task RestartAsync(TimeSpan? downtime = null)
    {
        await StopAsync();
        if (downtime is { } d)
        {
            await Task.Delay(d);
        }

        await StartProcessAsync();
    }

    /// <summary>Graceful stop (SIGTERM), as a broker restart or maintenance would do it.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            Signals.Terminate(_process.ProcessId);
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        await _process.DisposeAsync();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    private async Task StartProcessAsync()
    {
        _process = await StandInProcess.StartAsync("mosquitto", Executable, ["-c", _configFile], Port);
    }
}
