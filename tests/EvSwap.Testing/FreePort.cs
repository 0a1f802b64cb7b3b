using System.Net;
using System.Net.Sockets;

namespace EvSwap.Testing;

public static class FreePort
{
    /// <summary>
    /// A loopback TCP port nobody listens on right now. Orleans binds ports already in use without an error,
    /// so every test picks its own instead of relying on defaults.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
