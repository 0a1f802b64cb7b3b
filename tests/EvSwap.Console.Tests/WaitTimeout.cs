using System.Runtime.CompilerServices;
using Bunit;

namespace EvSwap.Console.Tests;

/// <summary>
/// bUnit waits one second for a re-render by default. This assembly renders its components while its browser tests run
/// Chromium and a silo on the same two cores, where a page's re-render after an awaited load took longer than that in CI.
/// </summary>
internal static class WaitTimeout
{
    [ModuleInitializer]
    internal static void Set() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
}
