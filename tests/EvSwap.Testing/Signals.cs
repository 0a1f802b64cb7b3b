using System.Runtime.InteropServices;

namespace EvSwap.Testing;

/// <summary>
/// SIGTERM, the signal ECS and systemd stop a process with. .NET's <c>Process.Kill</c> only sends SIGKILL, which
/// skips every graceful shutdown path the tests want to exercise.
/// </summary>
public static class Signals
{
    private const int SigTerm = 15;

    /// <returns>Whether the signal was delivered.</returns>
    public static bool Terminate(int processId) => Kill(processId, SigTerm) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
