using System.Net;
using System.Net.Sockets;

namespace EvSwap.Testing;

public static class FreePort
{
    // Below Linux's ephemeral range (32768-60999): an outgoing connection's local port can never take a port
    // handed out here between the check and the silo's bind, which is what port 0 allocations suffered from.
    private const int First = 12_000;
    private const int Last = 32_000;
    private static readonly HashSet<int> HandedOut = [];
    private static int _next = First + Random.Shared.Next(Last - First);

    /// <summary>
    /// A loopback TCP port nobody listens on right now and not handed out before in this process. Orleans binds
    /// ports already in use without an error, so every test picks its own instead of relying on defaults.
    /// </summary>
    public static int Next()
    {
        lock (HandedOut)
        {
            for (var tries = 0; tries < Last - First; tries++)
            {
                var port = _next;
                _next = _next + 1 >= Last ? First : _next + 1;
                if (!HandedOut.Contains(port) && IsFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No free loopback port left between {First} and {Last}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
