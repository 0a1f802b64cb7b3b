using System.Diagnostics;
using System.Text.Json;
using EvSwap.Testing;

namespace EvSwap.EndToEndTests;

/// <summary>The silo host in a process of its own (so a test can kill it), local profile unless the test says otherwise.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly System.Text.StringBuilder _output = new();
    private bool _disposed;

    private SiloProcess(Process process, int apiPort, int mqttPort)
    {
        Process = process;
        MqttPort = mqttPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
    }

    public Process Process { get; }

    public int MqttPort { get; }

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<SiloProcess> StartAsync(string archive, string log, params string[] extra)
    {
        var (apiPort, mqttPort) = (FreePort.Next(), FreePort.Next());
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args =
        [
            Path.Combine(AppContext.BaseDirectory, "EvSwap.Silo.dll"),
            $"--urls=http://127.0.0.1:{apiPort}", $"--Mqtt:Port={mqttPort}",
            $"--Orleans:SiloPort={FreePort.Next()}", $"--Orleans:GatewayPort={FreePort.Next()}",
            $"--Archive:Path={archive}", $"--IngestLog:Path={log}", $"--Ledger:Path={log}-ledger/swaps.db", $"--Ledger:Batteries:Path={log}-batteries",
            .. extra,
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var silo = new SiloProcess(Process.Start(start)!, apiPort, mqttPort);
        silo.Process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        silo.Process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        silo.Process.BeginOutputReadLine();
        silo.Process.BeginErrorReadLine();
        var ready = await Eventually.GetAsync(
            async () =>
            {
                try
                {
                    return (await silo.Http.GetAsync("/health/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            ok => ok || silo.Process.HasExited,
            TimeSpan.FromSeconds(60));
        Assert.True(ready, "silo never became ready:\n" + silo.Output);
        return silo;
    }

    public async Task<JsonElement> WaitForSeqAsync(string id, long seq)
    {
        var last = "no answer";
        var view = await Eventually.GetAsync(
            async () =>
            {
                using var response = await Http.GetAsync($"/stations/{id}");
                var body = await response.Content.ReadAsStringAsync();
                last = $"{(int)response.StatusCode} {body}";
                return response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.Clone() : default;
            },
            v => v.ValueKind == JsonValueKind.Object && v.GetProperty("seq").GetInt64() == seq,
            TimeSpan.FromSeconds(60));
        Assert.True(view.ValueKind == JsonValueKind.Object && view.GetProperty("seq").GetInt64() == seq, $"{id} never reached seq {seq}; the last answer was {last}\n{Output}");
        return view;
    }

    /// <summary>SIGTERM, as ECS stops a task; true when it exited cleanly.</summary>
    public async Task<bool> StopAsync()
    {
        Signals.Terminate(Process.Id);
        var exited = await Task.Run(() => Process.WaitForExit(TimeSpan.FromSeconds(90)));
        Process.WaitForExit();
        return exited && Process.ExitCode == 0;
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Http.Dispose();
        Process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
