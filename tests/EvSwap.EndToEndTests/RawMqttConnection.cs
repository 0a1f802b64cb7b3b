using System.Net.Sockets;
using System.Text;

namespace EvSwap.EndToEndTests;

/// <summary>
/// MQTT 3.1.1 spoken byte by byte, for what no client library sends: a packet header with no body after it, or a
/// CONNECT the library would refuse to build.
/// </summary>
internal sealed class RawMqttConnection : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawMqttConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawMqttConnection> OpenAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawMqttConnection(tcp);
    }

    /// <summary>
    /// Sends an MQTT 3.1.1 CONNECT and returns the CONNACK's return code (0 accepted, 2 identifier rejected), or null
    /// when the server closed the connection without one.
    /// </summary>
    public async Task<byte?> ConnectAsync(string clientId, bool cleanSession)
    {
        var id = Encoding.UTF8.GetBytes(clientId);
        byte[] variableHeader = [0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, cleanSession ? (byte)0x02 : (byte)0x00, 0, 60];
        byte[] body = [.. variableHeader, (byte)(id.Length >> 8), (byte)id.Length, .. id];
        await SendAsync([0x10, .. RemainingLength(body.Length), .. body]);

        var connAck = new byte[4];
        try
        {
            await _stream.ReadExactlyAsync(connAck);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            return null;
        }

        if (connAck[0] != 0x20 || connAck[1] != 2)
        {
            throw new InvalidDataException($"expected a CONNACK, got {Convert.ToHexString(connAck)}");
        }

        return connAck[3];
    }

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>
    /// Reads until the server closes the connection and returns true; false when it is still open after
    /// <paramref name="bound"/>, which only bounds a failing test.
    /// </summary>
    public async Task<bool> ClosedByServerAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        var buffer = new byte[256];
        try
        {
            while (await _stream.ReadAsync(buffer, timeout.Token) > 0)
            {
                // Whatever the server still sends before closing.
            }

            return true;
        }
        catch (IOException)
        {
            // Reset instead of closed: just as closed.
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>MQTT's variable-length "remaining length": seven bits a byte, least significant first.</summary>
    public static byte[] RemainingLength(int length)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(length % 128);
            length /= 128;
            bytes.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);

        return [.. bytes];
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }
}
