using System.Diagnostics;

namespace EvSwap.Testing;

/// <summary>
/// The real <c>mosquitto_pub</c> (Debian package mosquitto-clients), as a user of the local broker runs it: no client
/// id unless given, QoS 1 so it waits for the broker's acknowledgement, the payload read from standard input as bytes.
/// </summary>
public static class MosquittoPub
{
    public static string Executable { get; } = new[] { "/usr/bin/mosquitto_pub", "/usr/local/bin/mosquitto_pub" }.FirstOrDefault(File.Exists)
        ?? "mosquitto_pub";

    /// <param name="protocol">mosquitto_pub's <c>-V</c>: <c>mqttv311</c> (its default), <c>mqttv5</c> or <c>mqttv31</c>.</param>
    /// <returns>The exit code (0 once the broker acknowledged) and everything the tool printed.</returns>
    public static async Task<(int ExitCode, string Output)> PublishAsync(int port, string topic, byte[] payload, string protocol = "mqttv311", string? clientId = null)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args = ["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", protocol, "-q", "1", "-t", topic, "-s", "-d"];
        foreach (var a in clientId is null ? args : [.. args, "-i", clientId])
        {
            info.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{Executable} is not installed (Debian package mosquitto-clients; tests/run-tests.sh installs it).", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.StandardInput.BaseStream.WriteAsync(payload);
            process.StandardInput.Close();
            try
            {
                // Only bounds a hung tool; a publish to a local broker takes milliseconds.
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                process.Kill();
                return (-1, $"timed out\n{await output}{await error}");
            }

            return (process.ExitCode, $"{await output}{await error}");
        }
    }
}
