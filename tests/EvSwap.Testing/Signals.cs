using System.Runtime.InteropServices;

namespace EvSwap.Testing;

/// <summary>
/// SIGTERM, the signal ECS and systemd stop a process with, and the two a crash test needs: SIGSTOP freezes a process
/// with its sockets open (a hung task), SIGKILL ends it with no goodbye (a lost host). .NET's <c>Process.Kill</c> only
/// sends SIGKILL, and only to processes it started.
/// </summary>
public static class Signals
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigStop = 19;

    /// <returns>Whether the signal was delivered.</returns>
    public static bool Terminate(int processId) => SendSignal(processId, SigTerm) == 0;

    /// <summary>Freezes the process: the kernel keeps its connections open, but it reads, writes and acknowledges nothing.</summary>
    public static bool Freeze(int processId) => SendSignal(processId, SigStop) == 0;

    /// <summary>Ends the process at once: no shutdown code runs, the kernel closes its sockets.</summary>
    public static bool KillHard(int processId) => SendSignal(processId, SigKill) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
