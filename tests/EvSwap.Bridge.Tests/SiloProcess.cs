using System.Net.Http.Json;
using System.Text.Json;
using EvSwap.Testing;

namespace EvSwap.Bridge.Tests;

/// <summary>
/// The silo host (src/EvSwap.Silo, from this test's output folder) as its own process, so it can be frozen and killed
/// like an ECS task on a failed host: no shutdown code runs, the kernel closes its sockets. Disposing kills it.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly StandInProcess _process;

    private SiloProcess(StandInProcess process, int apiPort)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
    }

    public HttpClient Http { get; }
    public int ProcessId => _process.ProcessId;
    public bool HasExited => _process.HasExited;
    public string Output => _process.Output;

    /// <param name="settings">Configuration keys with values (<c>Mqtt:Mode=External</c>), after the API address.</param>
    public static async Task<SiloProcess> StartAsync(IEnumerable<string> settings)
    {
        var apiPort = FreePort.Next();
        var dll = Path.Combine(AppContext.BaseDirectory, "EvSwap.Silo.dll");
        var process = await StandInProcess.StartAsync("silo", "dotnet", [dll, $"--urls=http://127.0.0.1:{apiPort}", .. settings.Select(s => "--" + s)], apiPort, timeout: TimeSpan.FromSeconds(150));
        var silo = new SiloProcess(process, apiPort);
        var ready = await Eventually.GetAsync(async () => (await silo.Http.GetAsync("/health/ready")).IsSuccessStatusCode, ok => ok, TimeSpan.FromSeconds(120));
        if (!ready)
        {
            var output = silo.Output;
            await silo.DisposeAsync();
            throw new TimeoutException("The silo did not become ready:\n" + output);
        }

        return silo;
    }

    public async Task<JsonElement> GetJsonAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

    /// <summary>SIGSTOP: a hung task whose broker connections stay open while it acknowledges nothing.</summary>
    public void Freeze() => Assert.True(Signals.Freeze(ProcessId), "SIGSTOP was not delivered");

    /// <summary>SIGKILL, then waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        Assert.True(Signals.KillHard(ProcessId), "SIGKILL was not delivered");
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(_process.HasExited, "the silo outlived SIGKILL");
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Http.Dispose();
    }
}
